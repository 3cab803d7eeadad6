namespace OrleansSocket.Grains.Sockets;

/// <summary>Where this silo's event link listens, as gateways reach it ("address:port"); null while it does not listen.</summary>
internal sealed class EventLinkEndpoint
{
    private volatile string? _address;

    /// <summary>The advertised endpoint, or null.</summary>
    public string? Address
    {
        get => _address;
        internal set => _address = value;
    }
}
