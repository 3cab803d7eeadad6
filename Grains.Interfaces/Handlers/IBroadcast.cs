namespace OrleansSocket;

/// <summary>
/// A set of sockets to emit to or act on, across every gateway of the cluster (Node's
/// <c>BroadcastOperator</c>). Immutable: each call returns a narrower copy, e.g.
/// <c>io.Of("/chat").To("lobby").Except("muted").EmitAsync("msg", text)</c>.
/// Room names and socket ids are interchangeable: every socket is in the room of its own id.
/// </summary>
public interface IBroadcast
{
    /// <summary>Only sockets in these rooms (or with these ids); several calls add rooms (union).</summary>
    IBroadcast To(params string[] rooms);
    /// <summary>Same as <see cref="To"/>.</summary>
    IBroadcast In(params string[] rooms);
    /// <summary>Leaves out the sockets in these rooms (or with these ids): Flask-SocketIO's <c>skip_sid</c>.</summary>
    IBroadcast Except(params string[] rooms);
    /// <summary>Only the sockets of these users (on any gateway).</summary>
    IBroadcast ToUser(params string[] userIds);
    /// <summary>Packets are dropped for sockets that cannot take them now.</summary>
    IBroadcast Volatile { get; }
    /// <summary>
    /// Only the sockets of this node (Node's <c>io.local</c>, <c>socket.local</c>): from a handler (its socket or its
    /// server), the gateway that holds that socket's connection. An <see cref="ISocketIO"/> taken from a process's
    /// services names no gateway, so its local operations reach no socket.
    /// </summary>
    IBroadcast Local { get; }
    /// <summary>How long <see cref="EmitWithAckAsync(string, object?[])"/> waits for the clients' acks.</summary>
    IBroadcast Timeout(TimeSpan timeout);

    /// <summary>Emits to the matching sockets, one argument per element of <paramref name="args"/> (a single value that is
    /// not an <c>object?[]</c> binds to <see cref="EmitAsync{T}(string, T)"/>). <c>byte[]</c> and <c>ReadOnlyMemory&lt;byte&gt;</c> values, at any depth, go
    /// as binary attachments; so do the binary values of a <see cref="System.Text.Json.JsonElement"/> a handler received.</summary>
    Task EmitAsync(string eventName, params object?[] args);
    /// <summary>Emits with one argument: an array or a list is one argument (a JSON array), never spread; pass an
    /// <c>object?[]</c> to <see cref="EmitAsync(string, object?[])"/> for several.</summary>
    Task EmitAsync<T>(string eventName, T arg) => EmitAsync(eventName, new object?[] { arg });
    /// <summary>Emits arguments already encoded, e.g. a <see cref="SocketPayload"/> a handler received (binary kept).</summary>
    Task EmitAsync(string eventName, SocketPayload payload);
    /// <summary>Flask-SocketIO's <c>send</c>: a <c>message</c> (or <c>json</c>) event.</summary>
    Task SendAsync(object? data, bool json = false);
    /// <summary>Emits and collects every targeted socket's ack within the <see cref="Timeout"/> (default 5 s).</summary>
    Task<BroadcastAcks> EmitWithAckAsync(string eventName, params object?[] args);
    /// <summary><see cref="EmitWithAckAsync(string, object?[])"/> with one argument (an array is one argument).</summary>
    Task<BroadcastAcks> EmitWithAckAsync<T>(string eventName, T arg) => EmitWithAckAsync(eventName, new object?[] { arg });
    /// <summary><see cref="EmitWithAckAsync(string, object?[])"/> with arguments already encoded.</summary>
    Task<BroadcastAcks> EmitWithAckAsync(string eventName, SocketPayload payload);

    /// <summary>The matching sockets on every gateway (Node's <c>fetchSockets</c>).</summary>
    Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync();
    /// <summary>How many sockets match, on every gateway.</summary>
    Task<int> CountAsync();
    /// <summary>Makes the matching sockets join rooms (Node's <c>socketsJoin</c>).</summary>
    Task SocketsJoinAsync(params string[] rooms);
    /// <summary>Makes the matching sockets leave rooms (Node's <c>socketsLeave</c>).</summary>
    Task SocketsLeaveAsync(params string[] rooms);
    /// <summary>Disconnects the matching sockets from their namespace (Node's <c>disconnectSockets</c>); with
    /// <paramref name="closeConnection"/> their Engine.IO connection is closed too.</summary>
    Task DisconnectSocketsAsync(bool closeConnection = false);
}
