namespace OrleansSocket.Grains.Sockets;

/// <summary>
/// What happens to the sockets of this silo, for an observer of the whole server (the Admin UI's development mode),
/// told by the socket grains. Registered by a feature; none by default. Each call only takes note: it must not block
/// or throw, and what it sends leaves later, in the order the calls came.
/// </summary>
internal interface ISocketActivity
{
    /// <summary>False: nothing is reported now (e.g. the Admin UI in production mode); the grains need not call.</summary>
    bool IsEnabled { get; }

    /// <summary>A socket was accepted (or recovered).</summary>
    void Connected(RemoteSocket socket);

    /// <summary>A socket left, for <paramref name="reason"/>.</summary>
    void Disconnected(string ns, string socketId, string reason);

    /// <summary>A socket joined rooms it was not in.</summary>
    void Joined(string ns, string socketId, IReadOnlyList<string> rooms);

    /// <summary>A socket left rooms it was in.</summary>
    void Left(string ns, string socketId, IReadOnlyList<string> rooms);

    /// <summary>A socket's client sent an event.</summary>
    void EventReceived(string ns, string socketId, string eventName, SocketPayload payload);

    /// <summary>An event was sent to a socket: by the socket's grain (its own emits, with or without an ack) or, for a
    /// broadcast, by the gateway that wrote it to each recipient.</summary>
    void EventSent(string ns, string socketId, string eventName, SocketPayload payload);

    /// <summary>A handler changed the socket's <see cref="ISocket.Session"/>: <paramref name="dataJson"/> is all of it now.</summary>
    void DataChanged(string ns, string socketId, byte[] dataJson);

    /// <summary>A socket's connection upgraded to another transport.</summary>
    void TransportChanged(string ns, string socketId, string transport);
}
