namespace OrleansSocket;

/// <summary>
/// The HTTP addresses of the live gateways, by the tag each puts in front of its Engine.IO session ids: how a
/// gateway finds the one holding a session it does not (no sticky sessions). One per cluster: key <see cref="Key"/>.
/// Entries are leases: a gateway renews its own, and one not renewed in time is dropped.
/// </summary>
[Alias("OrleansSocket.IGatewayDirectoryGrain")]
public interface IGatewayDirectoryGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>Adds or renews <paramref name="tag"/> → <paramref name="address"/> for <paramref name="lease"/>; false when another address holds the tag.</summary>
    [Alias("Register")]
    Task<bool> Register(string tag, string address, TimeSpan lease);

    /// <summary>Drops the tag (a gateway shutting down).</summary>
    [Alias("Unregister")]
    Task Unregister(string tag);

    /// <summary>Every live entry: tag → address.</summary>
    [Alias("Snapshot")]
    Task<Dictionary<string, string>> Snapshot();
}
