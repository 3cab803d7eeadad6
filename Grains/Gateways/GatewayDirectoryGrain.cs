namespace OrleansSocket.Grains.Gateways;

/// <summary>
/// Gateway tag → HTTP address, each entry a lease. In memory: after a reactivation the gateways' periodic
/// renewals fill it again, and meanwhile they keep the addresses they already know.
/// </summary>
internal sealed class GatewayDirectoryGrain(TimeProvider time) : Grain, IGatewayDirectoryGrain
{
    private readonly Dictionary<string, (string Address, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);

    public Task<bool> Register(string tag, string address, TimeSpan lease)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        ArgumentException.ThrowIfNullOrEmpty(address);
        var now = time.GetUtcNow();
        Prune(now);
        if (_entries.TryGetValue(tag, out var entry) && !string.Equals(entry.Address, address, StringComparison.Ordinal))
            return Task.FromResult(false);
        _entries[tag] = (address, now + lease);
        return Task.FromResult(true);
    }

    public Task Unregister(string tag)
    {
        _entries.Remove(tag);
        return Task.CompletedTask;
    }

    public Task<Dictionary<string, string>> Snapshot()
    {
        Prune(time.GetUtcNow());
        return Task.FromResult(_entries.ToDictionary(e => e.Key, e => e.Value.Address, StringComparer.Ordinal));
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (tag, entry) in _entries)
            if (entry.Expires <= now) _entries.Remove(tag);
    }
}
