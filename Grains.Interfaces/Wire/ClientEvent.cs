namespace OrleansSocket.Internal;

/// <summary>An EVENT (or BINARY_EVENT) packet from a client, forwarded by the gateway to the socket's grain.</summary>
/// <param name="Event">The event name (the first element of the packet's array).</param>
/// <param name="Payload">The event's arguments.</param>
/// <param name="WantsAck">True when the client asked for an acknowledgement (the packet had an id).</param>
[GenerateSerializer, Immutable, Alias("OrleansSocket.ClientEvent")]
internal sealed record ClientEvent(
    [property: Id(0)] string Event,
    [property: Id(1)] SocketPayload Payload,
    [property: Id(2)] bool WantsAck)
{
    /// <summary>
    /// The packet's id, when the client asked for an acknowledgement: a handler that answers after
    /// <see cref="ISocketGrain.HandleEvent"/> returned sends its ack to the gateway with it (<see cref="IGatewayObserver.Ack"/>).
    /// </summary>
    [Id(3)] public long? AckId { get; init; }
}
