namespace OrleansSocket.Internal;

/// <summary>An event the server sends to clients: the gateway encodes it for each protocol version.</summary>
/// <param name="Namespace">The namespace the packet is sent in.</param>
/// <param name="Event">The event name.</param>
/// <param name="Payload">The event's arguments.</param>
/// <param name="Volatile">Volatile packets are dropped when the socket cannot take them now.</param>
[GenerateSerializer, Immutable, Alias("OrleansSocket.OutboundPacket")]
internal sealed record OutboundPacket(
    [property: Id(0)] string Namespace,
    [property: Id(1)] string Event,
    [property: Id(2)] SocketPayload Payload,
    [property: Id(3)] bool Volatile = false)
{
    /// <summary>Connection state recovery: the packet's offset in its namespace's log (also its last argument).</summary>
    [Id(4)] public string? Offset { get; init; }
}
