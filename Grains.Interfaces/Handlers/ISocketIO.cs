namespace OrleansSocket;

/// <summary>
/// The whole server, from anywhere (Node's <c>io</c>, Flask-SocketIO's <c>socketio</c>): inside a
/// handler as <see cref="ISocket.Server"/>, elsewhere injected (registered by <c>AddSocketIO()</c>, <c>AddSocketIOGrains()</c>, <c>AddSocketIOClient()</c>) — in a
/// grain, an ASP.NET controller, a hosted service, or a process that only holds an Orleans client.
/// Used as an <see cref="IBroadcast"/> it addresses the main namespace <c>/</c>.
/// </summary>
public interface ISocketIO : IBroadcast
{
    /// <summary>Another namespace.</summary>
    IBroadcast Of(string ns);
    /// <summary>Rooms of a namespace (Flask-SocketIO's <c>rooms(sid)</c>) for one socket.</summary>
    Task<IReadOnlyCollection<string>> RoomsAsync(string socketId);
    /// <summary>Closes a room: every member leaves it (Flask-SocketIO's <c>close_room</c>).</summary>
    Task CloseRoomAsync(string room, string ns = "/");
}
