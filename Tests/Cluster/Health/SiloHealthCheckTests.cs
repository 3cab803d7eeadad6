using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.TestingHost;
using OrleansSocket.Grains.Health;

namespace OrleansSocket.Tests.Health;

/// <summary>
/// The silo's readiness on a real in-process cluster: <c>AddSocketIOHealthChecks()</c> on a silo reports it active,
/// and a silo that left the cluster reads as not ready in the membership.
/// </summary>
public sealed class SiloHealthCheckTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSocketIOGrainsCore();
            silo.Services.AddHealthChecks().AddSocketIOHealthChecks();
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task AnActiveSiloIsReadyAndAStoppedOneIsNot()
    {
        var first = _cluster.Silos[0].ServiceProvider;
        var report = await first.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains(SocketIOHealthChecks.ReadyTag));
        Assert.Equal(HealthStatus.Healthy, report.Status);
        var entry = Assert.Single(report.Entries); // localhost clustering: no Redis check, no gateway here
        Assert.Equal(SocketIOHealthChecks.Silo, entry.Key);
        Assert.StartsWith("silo ", entry.Value.Description);
        Assert.EndsWith(" is active", entry.Value.Description);

        // The second silo, as the first silo's membership sees it once it has stopped.
        var second = _cluster.Silos[1];
        var secondSilo = second.ServiceProvider.GetRequiredService<ILocalSiloDetails>();
        var check = new SiloMembershipHealthCheck(first.GetRequiredService<IClusterMembershipService>(), secondSilo);
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration(SocketIOHealthChecks.Silo, check, null, null) };
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context)).Status);

        await _cluster.StopSiloAsync(second);
        var membership = first.GetRequiredService<IClusterMembershipService>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // The membership table is updated by the stopping silo itself; wait for the first silo to read it.
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(timeout.Token))
            if (snapshot.GetSiloStatus(secondSilo.SiloAddress) == SiloStatus.Dead) break;
        var stopped = await check.CheckHealthAsync(context);
        Assert.Equal(HealthStatus.Unhealthy, stopped.Status);
        Assert.Equal($"silo {secondSilo.SiloAddress} is Dead", stopped.Description);
    }
}
