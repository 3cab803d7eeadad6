namespace OrleansSocket.Grains.Health;

/// <summary>Disposes the <see cref="RedisHealthCheck"/>'s connection with the container (health checks are made per run
/// by their factory; this one is shared so that its connection is kept).</summary>
internal sealed class RedisHealthCheckLifetime : IAsyncDisposable
{
    private readonly List<RedisHealthCheck> _checks = [];

    public void Add(RedisHealthCheck check)
    {
        lock (_checks) _checks.Add(check);
    }

    public async ValueTask DisposeAsync()
    {
        RedisHealthCheck[] checks;
        lock (_checks) checks = [.. _checks];
        foreach (var check in checks) await check.DisposeAsync();
    }
}
