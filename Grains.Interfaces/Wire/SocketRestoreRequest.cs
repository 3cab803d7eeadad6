namespace OrleansSocket;

/// <summary>
/// What a gateway knows of one of its sockets, sent to the socket grain after a silo failure so that the grains
/// that were lost (socket, rooms, namespace, user) get the socket back without the client noticing.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansSocket.SocketRestoreRequest")]
public sealed record SocketRestoreRequest(
    [property: Id(0)] SocketConnectRequest Connect,
    /// <summary>The rooms the socket is in (not its own id's room).</summary>
    [property: Id(1)] string[] Rooms,
    [property: Id(2)] string? UserId);
