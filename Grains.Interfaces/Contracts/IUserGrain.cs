namespace OrleansSocket;

/// <summary>One user (key: the user id a connect handler set): that user's sockets on every gateway and namespace.</summary>
[Alias("OrleansSocket.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    [Alias("Add")] Task Add(UserSocket socket);
    [Alias("Remove")] Task Remove(string socketId);
    [Alias("Sockets")] Task<UserSocket[]> Sockets();
}
