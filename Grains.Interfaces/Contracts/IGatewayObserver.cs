using Orleans.Concurrency;

namespace OrleansSocket.Internal;

/// <summary>
/// Implemented by each gateway: how grains reach the sockets a gateway holds.
/// Calls are awaited (not one-way) so that packets to one socket keep their order between processes.
/// </summary>
[Alias("OrleansSocket.IGatewayObserver")]
internal interface IGatewayObserver : IGrainObserver
{
    /// <summary>Writes an event to one socket.</summary>
    [Alias("Send")]
    Task Send(string socketId, OutboundPacket packet);

    /// <summary>
    /// Writes an event with a new ack id to one socket, in order with the socket's other packets, and returns the id;
    /// <see cref="AckOf"/> then waits for the client's answer. The client's time to answer is
    /// <paramref name="timeout"/> from this write.
    /// </summary>
    /// <remarks>
    /// Two calls rather than one that writes and waits: a call that waits for a client must be always interleaved
    /// (Orleans runs an observer's other calls one at a time, and every socket of the gateway would wait behind it), and
    /// an interleaved call is started on the thread pool, out of order with the calls after it. Its packet could then
    /// reach the client after what the socket sent next (the ack of the client's next event): Node writes it at once.
    /// This call is an ordinary one, which the handler's run counts as the socket's own operation.
    /// </remarks>
    /// <exception cref="InvalidOperationException">the socket is not connected.</exception>
    [Alias("SendExpectingAck")]
    Task<long> SendExpectingAck(string socketId, OutboundPacket packet, TimeSpan timeout);

    /// <summary>The client's ACK arguments for the emit <see cref="SendExpectingAck"/> gave <paramref name="ackId"/>.</summary>
    /// <remarks>Always interleaved: it waits for a client (see <see cref="SendExpectingAck"/>).</remarks>
    /// <exception cref="TimeoutException">the client did not answer within the emit's timeout.</exception>
    /// <exception cref="InvalidOperationException">the socket disconnected first.</exception>
    [Alias("AckOf"), AlwaysInterleave]
    Task<SocketPayload> AckOf(string socketId, long ackId);

    /// <summary>
    /// Acknowledges a client's event after <see cref="ISocketGrain.HandleEvent"/> returned (its handler awaited something
    /// outside the socket, or answered through <see cref="IAck"/>). <paramref name="ackId"/> is <see cref="ClientEvent.AckId"/>.
    /// </summary>
    [Alias("Ack")]
    Task Ack(string socketId, long ackId, SocketPayload payload);

    /// <summary>Keeps the gateway's local room index in step, before the room grains route broadcasts here.</summary>
    [Alias("RoomsChanged")]
    Task RoomsChanged(string socketId, string[] joined, string[] left);

    /// <summary>A handler set (or cleared) the socket's user id; the gateway keeps a copy to restore the socket after a silo failure.</summary>
    [Alias("UserChanged")]
    Task UserChanged(string socketId, string? userId);

    /// <summary>Answers at once: the gateway membership asks a gateway that missed its lease before declaring it dead.</summary>
    [Alias("Ping")]
    Task Ping();

    /// <summary>Server-side disconnect of one namespace socket (sends DISCONNECT); closes the whole connection when asked.</summary>
    [Alias("Disconnect")]
    Task Disconnect(string socketId, bool closeConnection);

    /// <summary>
    /// The session of <paramref name="socketId"/> was taken over by a recovering connection: the socket of connection
    /// <paramref name="connectionId"/>, if this gateway still holds it, leaves and its Engine.IO connection is closed (the
    /// client has moved to another). One-way: the gateway of the old connection may be dead.
    /// </summary>
    [Alias("Supersede"), Orleans.Concurrency.OneWay]
    Task Supersede(string socketId, string connectionId);
}
