namespace OrleansSocket.Internal;

/// <summary>One user (key: the user id a connect handler set): that user's sockets on every gateway and namespace.</summary>
[Alias("OrleansSocket.IUserGrain")]
internal interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Adds (or replaces) one of the user's sockets.</summary>
    [Alias("Add")] Task Add(UserSocket socket);
    /// <summary>Forgets the socket <paramref name="socketId"/> (it disconnected).</summary>
    [Alias("Remove")] Task Remove(string socketId);
    /// <summary>The user's sockets now.</summary>
    [Alias("Sockets")] Task<UserSocket[]> Sockets();
}
