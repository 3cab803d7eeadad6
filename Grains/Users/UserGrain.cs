using OrleansSocket.Grains.Lifetime;

namespace OrleansSocket.Grains.Users;

/// <summary>One user: their sockets on every gateway, so an emit to the user reaches each device once.</summary>
/// <remarks>Active while the user has sockets (the list is in memory only), then left to idle collection.</remarks>
[CollectionAgeLimit(Minutes = 2)]
internal sealed class UserGrain : KeepAliveWhileNonEmpty, IUserGrain
{
    private readonly Dictionary<string, UserSocket> _sockets = [];

    public Task Add(UserSocket socket)
    {
        var before = _sockets.Count;
        _sockets[socket.SocketId] = socket;
        OnCountChanged(before, _sockets.Count);
        return Task.CompletedTask;
    }

    public Task Remove(string socketId)
    {
        var before = _sockets.Count;
        _sockets.Remove(socketId);
        OnCountChanged(before, _sockets.Count);
        return Task.CompletedTask;
    }

    public Task<UserSocket[]> Sockets() => Task.FromResult(_sockets.Values.ToArray());
}
