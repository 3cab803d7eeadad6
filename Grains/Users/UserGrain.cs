namespace OrleansSocket.Grains.Users;

/// <summary>One user: their sockets on every gateway, so an emit to the user reaches each device once.</summary>
internal sealed class UserGrain : Grain, IUserGrain
{
    private readonly Dictionary<string, UserSocket> _sockets = [];

    public Task Add(UserSocket socket)
    {
        _sockets[socket.SocketId] = socket;
        return Task.CompletedTask;
    }

    public Task Remove(string socketId)
    {
        _sockets.Remove(socketId);
        if (_sockets.Count == 0) DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<UserSocket[]> Sockets() => Task.FromResult(_sockets.Values.ToArray());
}
