namespace OrleansSocket;

/// <summary>What the gateway tells a socket grain when a client connects to a namespace.</summary>
[GenerateSerializer, Immutable, Alias("OrleansSocket.SocketConnectRequest")]
public sealed record SocketConnectRequest(
    [property: Id(0)] string Namespace,
    [property: Id(1)] string GatewayId,
    /// <summary>Where the grain sends packets for this socket.</summary>
    [property: Id(2)] IGatewayObserver Gateway,
    [property: Id(3)] HandshakeInfo Handshake);
