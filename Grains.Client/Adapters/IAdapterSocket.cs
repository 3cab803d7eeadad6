namespace OrleansSocket.Grains.Adapters;

/// <summary>
/// A connected socket as an <see cref="AdapterNode"/> holds it: what the adapters need to reach it on its node.
/// The gateway's namespace sockets implement it (their grain keeps the socket's own record); so do the sockets of
/// the adapter specification's in-memory node.
/// </summary>
internal interface IAdapterSocket : ILocalSocket
{
    /// <summary>The user the socket belongs to, for <see cref="BroadcastOptions.Users"/>; null: none.</summary>
    string? UserId { get; }

    /// <summary>Writes a broadcast's packet to the client; a volatile one is dropped when the client cannot take it now.
    /// The sockets of one node share <paramref name="packet"/>, so what one encodes the others may reuse.</summary>
    void Deliver(SharedPacket packet);

    /// <summary>Writes a packet with an ack; completes with the client's answer, or fails with a
    /// <see cref="TimeoutException"/> once <paramref name="timeout"/> passed.</summary>
    /// <exception cref="InvalidOperationException">the socket is no longer connected.</exception>
    Task<SocketPayload> DeliverWithAckAsync(OutboundPacket packet, TimeSpan timeout);

    /// <summary>The server disconnects the socket (and its connection when <paramref name="closeConnection"/>).</summary>
    Task DisconnectAsync(bool closeConnection);

    /// <summary>The socket joins rooms on someone else's behalf (socket.io's <c>socketsJoin</c>): it keeps its own
    /// record and tells the adapter (<see cref="SocketIOAdapter.AddAllAsync"/>).</summary>
    Task JoinAsync(IReadOnlyCollection<string> rooms);

    /// <summary>The socket leaves rooms on someone else's behalf (socket.io's <c>socketsLeave</c>, a closed room).</summary>
    Task LeaveAsync(IReadOnlyCollection<string> rooms);

    /// <summary>
    /// Writes a packet the socket's own grain sends it (an emit to the socket), as the gateway writes one it is told to
    /// send; false when the socket is not on connection <paramref name="connectionId"/> (null: any), so that the caller
    /// sends it the way it would from another process. The default: never here.
    /// </summary>
    bool SendHere(string? connectionId, OutboundPacket packet) => false;

    /// <summary>
    /// Writes the answer to the client's event <paramref name="ackId"/>, which it sent on connection
    /// <paramref name="connectionId"/> (null: any): dropped when the socket is no longer connected, as the gateway drops a
    /// late answer; false when the socket is on another connection, so that the caller answers the way it would from
    /// another process. The default: never here.
    /// </summary>
    bool AckHere(string? connectionId, long ackId, SocketPayload payload) => false;

    /// <summary>
    /// The socket's grain, running in this process, is done with the events it was handed one-way with
    /// <paramref name="sequence"/> (<see cref="ISocketGrain.PostEvent"/>): the socket may send its next ones. False when the
    /// socket is not on connection <paramref name="connectionId"/>. The default: never here.
    /// </summary>
    bool PostedEventsDone(string connectionId, long sequence) => false;

    /// <summary>
    /// The socket's grain, whose activation runs in this process, hands the socket its activation for connection
    /// <paramref name="connectionId"/>: the socket's next events go to it without a grain call. False when the socket
    /// is not on that connection. The default: never here.
    /// </summary>
    bool AttachLocalGrain(string connectionId, Sockets.ILocalSocketGrain grain) => false;

    /// <summary>The socket as <see cref="SocketIOAdapter.FetchSocketsAsync"/> returns it, in <paramref name="rooms"/>
    /// (what its node's index lists); null when it is no longer connected.</summary>
    Task<RemoteSocket?> DescribeAsync(string[] rooms);
}
