namespace OrleansSocket.Grains.Users;

/// <summary>One user: their sockets on every gateway, so an emit to the user reaches each device once.</summary>
/// <remarks>
/// Kept active while the user has sockets (the list is in memory only), then left to idle collection rather
/// than deactivated at once, which raced a reconnecting tab's <c>Add</c> (see <c>MembershipGrain</c>).
/// </remarks>
[CollectionAgeLimit(Minutes = 2)]
internal sealed class UserGrain : Grain, IUserGrain
{
    private readonly Dictionary<string, UserSocket> _sockets = [];

    public Task Add(UserSocket socket)
    {
        _sockets[socket.SocketId] = socket;
        if (_sockets.Count == 1) DelayDeactivation(TimeSpan.MaxValue);
        return Task.CompletedTask;
    }

    public Task Remove(string socketId)
    {
        _sockets.Remove(socketId);
        if (_sockets.Count == 0) DelayDeactivation(TimeSpan.FromSeconds(-1)); // cancels the keep-alive
        return Task.CompletedTask;
    }

    public Task<UserSocket[]> Sockets() => Task.FromResult(_sockets.Values.ToArray());
}
