namespace OrleansSocket;

/// <summary>A socket as <see cref="IBroadcast.FetchSocketsAsync"/> returns it, wherever it is connected.</summary>
/// <param name="Id">The socket id.</param>
/// <param name="Namespace">The socket's namespace.</param>
/// <param name="Rooms">The rooms the socket is in, its own id's room included.</param>
/// <param name="Handshake">What the client presented when it connected.</param>
/// <param name="DataJson">The socket's session data as JSON (values that do not serialize are left out).</param>
/// <param name="UserId">The user the socket belongs to, if any.</param>
/// <param name="GatewayId">The gateway the socket is connected to.</param>
[GenerateSerializer, Immutable, Alias("OrleansSocket.RemoteSocket")]
public sealed record RemoteSocket(
    [property: Id(0)] string Id,
    [property: Id(1)] string Namespace,
    [property: Id(2)] string[] Rooms,
    [property: Id(3)] HandshakeInfo Handshake,
    [property: Id(4)] byte[] DataJson,
    [property: Id(5)] string? UserId,
    [property: Id(6)] string GatewayId)
{
    /// <summary>The transport the client's connection used when it was fetched: "polling" or "websocket" (see <see cref="ISocket.Transport"/>).</summary>
    [Id(7)] public string Transport { get; init; } = "";
}
