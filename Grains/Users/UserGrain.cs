using OrleansSocket.Grains.Lifetime;

namespace OrleansSocket.Grains.Users;

/// <summary>One user: their sockets on every gateway, so an emit to the user reaches each device once.</summary>
/// <remarks>Active while the user has sockets (the list is in memory only), then left to idle collection.</remarks>
[CollectionAgeLimit(Minutes = 2)]
internal sealed class UserGrain : KeepAliveWhileNonEmpty, IUserGrain
{
    private readonly Dictionary<string, UserSocket> _sockets = [];

    protected override int Count => _sockets.Count;

    public Task Add(UserSocket socket) => Change(() => _sockets[socket.SocketId] = socket);

    public Task Remove(string socketId) => Change(() => _sockets.Remove(socketId));

    public Task<UserSocket[]> Sockets() => Task.FromResult(_sockets.Values.ToArray());
}
