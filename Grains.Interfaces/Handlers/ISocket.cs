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
    /// <summary>The namespace this socket connected to, e.g. <c>/</c> or <c>/chat</c>.</summary>
    string Namespace { get; }
    /// <summary>The HTTP request and CONNECT packet the socket connected with (Node's <c>socket.handshake</c>).</summary>
    HandshakeInfo Handshake { get; }
    /// <summary>
    /// The user authenticated on the handshake request (ASP.NET Core's <c>HttpContext.User</c> after
    /// <c>UseAuthentication</c>), rebuilt from <see cref="HandshakeInfo.Identities"/>; anonymous when no scheme
    /// authenticated it (<c>User.Identity.IsAuthenticated</c> is false).
    /// </summary>
    System.Security.Claims.ClaimsPrincipal User => Handshake.ToClaimsPrincipal();
    /// <summary>Per-socket data that lives as long as the socket (Flask-SocketIO's <c>session</c>).</summary>
    IDictionary<string, object?> Session { get; }
    /// <summary>True when this connection recovered an earlier session (connection state recovery): same id, rooms and data.</summary>
    bool Recovered { get; }

    /// <summary>
    /// The transport the client's connection uses now: "polling" or "websocket" (Node's <c>socket.conn.transport.name</c>).
    /// Follows an upgrade from polling to WebSocket; <see cref="HandshakeInfo.Transport"/> stays the one at connect.
    /// </summary>
    string Transport { get; }

    /// <summary>The user this socket belongs to, when the connect handler named one.</summary>
    string? UserId { get; set; }

    /// <summary>The rooms this socket is in, its own id's room included.</summary>
    IReadOnlyCollection<string> Rooms { get; }

    /// <summary>Joins rooms of this namespace (Flask-SocketIO's <c>join_room</c>).</summary>
    Task JoinAsync(params string[] rooms);

    /// <summary>Leaves rooms (Flask-SocketIO's <c>leave_room</c>).</summary>
    Task LeaveAsync(params string[] rooms);

    /// <summary>The other sockets in these rooms (Node's <c>socket.to(room)</c>: this socket is left out).</summary>
    IBroadcast To(params string[] rooms);

    /// <summary>Every other socket of this namespace (Node's <c>socket.broadcast</c>).</summary>
    IBroadcast Broadcast { get; }

    /// <summary>The whole server (Node's <c>io</c>): <c>Server.To(room)</c> includes this socket.</summary>
    ISocketIO Server { get; }

    /// <summary>
    /// Emits an event to this socket with these arguments, one per element (Node's <c>socket.emit(ev, ...args)</c>).
    /// The packet leaves at once, while the handler still runs. A single argument that is not an <c>object?[]</c> —
    /// a <c>string[]</c> or a list included — binds to <see cref="EmitAsync{T}(string, T)"/> and is one argument.
    /// </summary>
    Task EmitAsync(string eventName, params object?[] args);

    /// <summary>
    /// Emits an event with one argument: an array or a list is sent as one JSON array, never spread
    /// (<c>EmitAsync("users", names)</c> sends <c>["users",["alice","bob"]]</c>). To send the elements of an array as
    /// several arguments, pass them as an <c>object?[]</c> (<see cref="EmitAsync(string, object?[])"/>).
    /// </summary>
    Task EmitAsync<T>(string eventName, T arg) => EmitAsync(eventName, new object?[] { arg });

    /// <summary>Emits an event with arguments already encoded (e.g. a payload a handler received, forwarded as it is).</summary>
    Task EmitAsync(string eventName, SocketPayload payload);

    /// <summary>Emits an event and waits for the client's acknowledgement (Node's <c>emitWithAck</c>).</summary>
    /// <exception cref="TimeoutException">no ack within <paramref name="timeout"/>.</exception>
    Task<ClientAck> EmitWithAckAsync(string eventName, TimeSpan timeout, params object?[] args);

    /// <summary><see cref="EmitWithAckAsync(string, TimeSpan, object?[])"/> with one argument (an array is one argument).</summary>
    /// <exception cref="TimeoutException">no ack within <paramref name="timeout"/>.</exception>
    Task<ClientAck> EmitWithAckAsync<T>(string eventName, TimeSpan timeout, T arg) =>
        EmitWithAckAsync(eventName, timeout, new object?[] { arg });

    /// <summary><see cref="EmitWithAckAsync(string, TimeSpan, object?[])"/> with arguments already encoded.</summary>
    /// <exception cref="TimeoutException">no ack within <paramref name="timeout"/>.</exception>
    Task<ClientAck> EmitWithAckAsync(string eventName, TimeSpan timeout, SocketPayload payload);

    /// <summary>Flask-SocketIO's <c>send</c>: a <c>message</c> event, or <c>json</c> when <paramref name="json"/> is true.</summary>
    Task SendAsync(object? data, bool json = false);

    /// <summary>Disconnects this socket from its namespace (the client gets a DISCONNECT packet).</summary>
    Task DisconnectAsync(bool closeConnection = false);
}
