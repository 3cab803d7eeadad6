using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace OrleansSocket.Tests.Health;

/// <summary>
/// <c>AddSocketIOHealthChecks()</c> adds the checks that apply to the process: the gateway's with <c>AddSocketIO()</c>,
/// Redis's with Redis clustering; and the Redis check reports an unreachable Redis.
/// </summary>
public sealed class HealthCheckRegistrationTests
{
    private static ServiceProvider Services(Dictionary<string, string?> configuration, bool gateway)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddLogging();
        if (gateway) services.AddSocketIO();
        services.AddHealthChecks().AddSocketIOHealthChecks();
        return services.BuildServiceProvider();
    }

    private static string[] Names(ServiceProvider services) =>
        [.. services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name).Order()];

    [Fact]
    public async Task AGatewayOnLocalhostClusteringHasTheGatewayCheckAlone()
    {
        await using var services = Services([], gateway: true);
        Assert.Equal([SocketIOHealthChecks.Gateway], Names(services));
        Assert.All(services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations,
            r => Assert.Contains(SocketIOHealthChecks.ReadyTag, r.Tags));
    }

    [Fact]
    public async Task RedisClusteringAddsTheRedisCheck()
    {
        await using var services = Services(new()
        {
            ["Cluster:Clustering"] = "Redis",
            ["Cluster:RedisConnectionString"] = "127.0.0.1:6379",
        }, gateway: true);
        Assert.Equal([SocketIOHealthChecks.Redis, SocketIOHealthChecks.Gateway], Names(services)); // ordered by name
    }

    [Fact]
    public async Task AnUnreachableRedisIsUnhealthy()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        } // closed: nothing listens there
        await using var services = Services(new()
        {
            ["Cluster:Clustering"] = "Redis",
            ["Cluster:RedisConnectionString"] = $"127.0.0.1:{port},connectTimeout=500,asyncTimeout=1000",
        }, gateway: false);
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        var redis = report.Entries[SocketIOHealthChecks.Redis];
        Assert.Equal("Redis is unreachable", redis.Description);
        Assert.NotNull(redis.Exception);
    }
}
