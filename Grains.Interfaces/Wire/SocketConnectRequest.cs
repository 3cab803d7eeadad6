namespace OrleansSocket.Internal;

/// <summary>What the gateway tells a socket grain when a client connects to a namespace.</summary>
/// <param name="Namespace">The namespace the client connects to.</param>
/// <param name="GatewayId">The gateway the client is connected to.</param>
/// <param name="Gateway">Where the grain sends packets for this socket.</param>
/// <param name="Handshake">What the client presented when it connected.</param>
[GenerateSerializer, Immutable, Alias("OrleansSocket.SocketConnectRequest")]
internal sealed record SocketConnectRequest(
    [property: Id(0)] string Namespace,
    [property: Id(1)] string GatewayId,
    [property: Id(2)] IGatewayObserver Gateway,
    [property: Id(3)] HandshakeInfo Handshake)
{
    /// <summary>Connection state recovery: the private session id the client had (its CONNECT auth's <c>pid</c>).</summary>
    [Id(4)] public string? RecoveryPid { get; init; }

    /// <summary>Connection state recovery: the offset of the last packet the client received (auth <c>offset</c>).</summary>
    [Id(5)] public string? RecoveryOffset { get; init; }

    /// <summary>
    /// Names the gateway-side socket (one connection of the client) this request came from. A session taken over by a
    /// later connection ignores what its earlier connection still reports (<see cref="ISocketGrain.Disconnected"/>).
    /// </summary>
    [Id(6)] public string? ConnectionId { get; init; }
}
