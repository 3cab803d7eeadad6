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

    /// <summary>Writes an event with an ack id to one socket and completes with the client's ACK arguments.</summary>
    /// <remarks>Always interleaved: Orleans runs an observer's calls one at a time, and this one waits for a client,
    /// which would hold up every other call to the gateway (and every socket behind it) meanwhile. Its packet is
    /// still written in order: the grain issues it only after its earlier calls for the socket completed.</remarks>
    /// <exception cref="TimeoutException">the client did not answer within <paramref name="timeout"/>.</exception>
    [Alias("SendWithAck"), AlwaysInterleave]
    Task<SocketPayload> SendWithAck(string socketId, OutboundPacket packet, TimeSpan timeout);

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
