using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansSocket.Grains.Health;

/// <summary>
/// Ready when this silo is <see cref="SiloStatus.Active"/> in the cluster membership: not while it joins, and not
/// once it began shutting down or was declared dead (it takes no new activations then).
/// </summary>
internal sealed class SiloMembershipHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {silo.SiloAddress} is active")
            : new HealthCheckResult(context.Registration.FailureStatus, $"silo {silo.SiloAddress} is {status}"));
    }
}
