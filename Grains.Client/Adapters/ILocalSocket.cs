namespace OrleansSocket.Grains.Adapters;

/// <summary>A socket a gateway holds, as its room index sees it.</summary>
internal interface ILocalSocket
{
    /// <summary>The socket id.</summary>
    string Id { get; }
    /// <summary>The socket's namespace.</summary>
    string Namespace { get; }
}
