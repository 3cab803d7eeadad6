namespace OrleansSocket;

/// <summary>
/// The socket a handler runs for: Flask-SocketIO's <c>request.sid</c> plus its emit helpers,
/// Node's <c>socket</c>. Handlers get it as a parameter (any position, not bound from the
/// client's arguments) or as <see cref="SocketIOHandler.Socket"/>.
/// </summary>
public interface ISocket
{
    /// <summary>The socket id (per namespace, as in Socket.IO v5).</summary>
    string Id { get; }
    string Namespace { get; }
    HandshakeInfo Handshake { get; }
    /// <summary>Per-socket data that lives as long as the socket (Flask-SocketIO's <c>session</c>).</summary>
    IDictionary<string, object?> Session { get; }
    /// <summary>The user this socket belongs to, when the connect handler named one.</summary>
    string? UserId { get; set; }

    /// <summary>Emits an event to this socket. The packet leaves at once, while the handler still runs.</summary>
    Task Emit(string eventName, params object?[] args);

    /// <summary>Emits an event and waits for the client's acknowledgement (Node's <c>emitWithAck</c>).</summary>
    /// <exception cref="TimeoutException">no ack within <paramref name="timeout"/>.</exception>
    Task<ClientAck> EmitWithAck(string eventName, TimeSpan timeout, params object?[] args);

    /// <summary>Flask-SocketIO's <c>send</c>: a <c>message</c> event, or <c>json</c> when <paramref name="json"/> is true.</summary>
    Task Send(object? data, bool json = false);

    /// <summary>Disconnects this socket from its namespace (the client gets a DISCONNECT packet).</summary>
    Task Disconnect(bool closeConnection = false);
}
