using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Gateway.Health;

namespace OrleansSocket.Tests.Health;

/// <summary>The gateway's readiness: in the cluster (lease renewed within the lease time) and not draining.</summary>
public sealed class GatewayHealthCheckTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();
    private readonly StoppingLifetime _lifetime = new();

    private GatewayHealthCheck Check(GatewayReadiness readiness) => new(readiness, new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Cluster:GatewayLease"] = Lease.ToString() }).Build());

    private static async Task<HealthCheckResult> RunAsync(IHealthCheck check) => await check.CheckHealthAsync(new HealthCheckContext
    {
        Registration = new HealthCheckRegistration(SocketIOHealthChecks.Gateway, check, HealthStatus.Unhealthy, [SocketIOHealthChecks.ReadyTag]),
    });

    [Fact]
    public async Task NotReadyBeforeTheFirstLeaseRenewal()
    {
        var readiness = new GatewayReadiness(_time, _lifetime);
        readiness.LeaseRenewalFailed(new TimeoutException("no silo"));
        var result = await RunAsync(Check(readiness));
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("not in the cluster yet: TimeoutException: no silo", result.Description);
    }

    [Fact]
    public async Task NotReadyWhileTheWarmUpRuns()
    {
        var readiness = new GatewayReadiness(_time, _lifetime);
        readiness.LeaseRenewed();
        readiness.WarmingUp(true);
        var warming = await RunAsync(Check(readiness));
        Assert.Equal(HealthStatus.Unhealthy, warming.Status);
        Assert.Equal("warming up", warming.Description);

        readiness.WarmingUp(false);
        Assert.Equal(HealthStatus.Healthy, (await RunAsync(Check(readiness))).Status);
    }

    [Fact]
    public async Task ReadyWhileTheLeaseIsRenewedAndNotAfterItLapsed()
    {
        var readiness = new GatewayReadiness(_time, _lifetime);
        var check = Check(readiness);
        readiness.LeaseRenewed();
        Assert.Equal(HealthStatus.Healthy, (await RunAsync(check)).Status);

        _time.Advance(Lease); // at the edge: still held
        readiness.LeaseRenewalFailed(new TimeoutException("silo gone"));
        Assert.Equal(HealthStatus.Healthy, (await RunAsync(check)).Status);

        _time.Advance(TimeSpan.FromSeconds(1));
        var lapsed = await RunAsync(check);
        Assert.Equal(HealthStatus.Unhealthy, lapsed.Status);
        Assert.Equal("lease last renewed 11 s ago: TimeoutException: silo gone", lapsed.Description);

        readiness.LeaseRenewed();
        Assert.Equal(HealthStatus.Healthy, (await RunAsync(check)).Status);
    }

    [Fact]
    public async Task WithoutLeasesTheGatewayIsReadyUntilItDrains()
    {
        var readiness = new GatewayReadiness(_time, _lifetime);
        readiness.NoLeaseKept(); // the in-process adapter: one process, no cluster lease
        _time.Advance(Lease * 10);
        Assert.Equal(HealthStatus.Healthy, (await RunAsync(Check(readiness))).Status);
        _lifetime.StopApplication();
        Assert.Equal(HealthStatus.Unhealthy, (await RunAsync(Check(readiness))).Status);
    }

    [Fact]
    public async Task ADrainingGatewayIsNotReady()
    {
        var readiness = new GatewayReadiness(_time, _lifetime);
        readiness.LeaseRenewed();
        _lifetime.StopApplication();
        var result = await RunAsync(Check(readiness));
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("draining: the host is stopping", result.Description);
    }

    private sealed class StoppingLifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _stopping = new();
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => _stopping.Token;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() => _stopping.Cancel();
    }
}
