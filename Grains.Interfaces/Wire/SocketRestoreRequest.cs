namespace OrleansSocket.Internal;

/// <summary>
/// What a gateway knows of one of its sockets, sent to the socket grain after a silo failure so that the grains
/// that were lost (socket, rooms, namespace, user) get the socket back without the client noticing.
/// </summary>
/// <param name="Connect">The request the socket connected with.</param>
/// <param name="Rooms">The rooms the socket is in (not its own id's room).</param>
/// <param name="UserId">The user the socket belongs to, if any.</param>
[GenerateSerializer, Immutable, Alias("OrleansSocket.SocketRestoreRequest")]
internal sealed record SocketRestoreRequest(
    [property: Id(0)] SocketConnectRequest Connect,
    [property: Id(1)] string[] Rooms,
    [property: Id(2)] string? UserId);
