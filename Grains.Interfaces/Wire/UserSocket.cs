namespace OrleansSocket.Internal;

/// <summary>One socket of a user.</summary>
[GenerateSerializer, Immutable, Alias("OrleansSocket.UserSocket")]
internal sealed record UserSocket(
    [property: Id(0)] string SocketId,
    [property: Id(1)] string Namespace,
    [property: Id(2)] string GatewayId);
