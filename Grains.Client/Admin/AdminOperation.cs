using System.Text.Json;

namespace OrleansSocket.Grains.Admin;

/// <summary>
/// What the Admin UI asks the server to do (socket.io-admin-ui's <c>ClientEvents</c>), on the sockets of namespace
/// <see cref="Namespace"/> in room <see cref="Filter"/> (a socket id names one socket; none: the whole namespace),
/// wherever they are connected in the cluster: <c>join</c> and <c>leave</c> a room, <c>_disconnect</c>, <c>emit</c>.
/// </summary>
internal abstract record AdminOperation(string Namespace, string? Filter)
{
    public const string Join = "join", Leave = "leave", Disconnect = "_disconnect", Emit = "emit";

    /// <summary>The features the UI may offer when operations are allowed (Socket.IO v4's, the multi-socket ones included).</summary>
    public static readonly string[] Features = ["EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT"];

    /// <summary>Runs the operation through <paramref name="server"/> (the cluster adapter).</summary>
    public abstract Task RunAsync(ISocketIO server);

    protected IBroadcast Target(ISocketIO server)
    {
        var ns = server.Of(Namespace);
        return Filter is { Length: > 0 } filter ? ns.In(filter) : ns;
    }

    /// <summary>The operation an event of the UI asks for, or null with the reason (an unknown event, arguments of the wrong types).</summary>
    public static AdminOperation? Parse(string eventName, IReadOnlyList<JsonElement> args, out string? error)
    {
        error = null;
        if (eventName is not (Join or Leave or Disconnect or Emit))
        {
            error = "not an Admin UI operation";
            return null;
        }
        if (String(args, 0) is not { } ns || !ns.StartsWith('/'))
        {
            error = "the first argument must be a namespace";
            return null;
        }
        switch (eventName)
        {
            case Join or Leave:
                if (String(args, 1) is not { Length: > 0 } room)
                {
                    error = "the second argument must be a room";
                    return null;
                }
                return eventName == Join ? new JoinRoom(ns, String(args, 2), room) : new LeaveRoom(ns, String(args, 2), room);
            case Disconnect:
                var close = args.Count > 1 && args[1].ValueKind == JsonValueKind.True;
                return new DisconnectSockets(ns, String(args, 2), close);
            default:
                if (String(args, 2) is not { Length: > 0 } ev)
                {
                    error = "the third argument must be an event name";
                    return null;
                }
                return new EmitEvent(ns, String(args, 1), ev, [.. args.Skip(3).Select(a => (object?)a)]);
        }
    }

    // Absent, null or not a string: null.
    private static string? String(IReadOnlyList<JsonElement> args, int index) =>
        index < args.Count && args[index].ValueKind == JsonValueKind.String ? args[index].GetString() : null;
}

/// <summary>The matching sockets join <see cref="Room"/> (Node's <c>socketsJoin</c>).</summary>
internal sealed record JoinRoom(string Namespace, string? Filter, string Room) : AdminOperation(Namespace, Filter)
{
    public override Task RunAsync(ISocketIO server) => Target(server).SocketsJoinAsync(Room);
}

/// <summary>The matching sockets leave <see cref="Room"/> (Node's <c>socketsLeave</c>).</summary>
internal sealed record LeaveRoom(string Namespace, string? Filter, string Room) : AdminOperation(Namespace, Filter)
{
    public override Task RunAsync(ISocketIO server) => Target(server).SocketsLeaveAsync(Room);
}

/// <summary>The matching sockets are disconnected, their connection closed too with <see cref="Close"/>.</summary>
internal sealed record DisconnectSockets(string Namespace, string? Filter, bool Close) : AdminOperation(Namespace, Filter)
{
    public override Task RunAsync(ISocketIO server) => Target(server).DisconnectSocketsAsync(Close);
}

/// <summary>The matching sockets get event <see cref="Event"/> with <see cref="Args"/>.</summary>
internal sealed record EmitEvent(string Namespace, string? Filter, string Event, object?[] Args) : AdminOperation(Namespace, Filter)
{
    public override Task RunAsync(ISocketIO server) => Target(server).EmitAsync(Event, Args);
}
