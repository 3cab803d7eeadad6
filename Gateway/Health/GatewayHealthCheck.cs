using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansSocket.Gateway.Health;

/// <summary>
/// The gateway is ready when it accepts connections (its host is not stopping, see <see cref="Membership.GatewayMembership"/>'s
/// drain) and it renewed its lease in the cluster within the lease time (<see cref="OrleansClusterOptions.GatewayLease"/>),
/// which needs its Orleans client connected.
/// </summary>
internal sealed class GatewayHealthCheck(GatewayReadiness readiness, IConfiguration configuration) : IHealthCheck
{
    private readonly TimeSpan _lease = configuration.GetOrleansClusterOptions().GatewayLease;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readiness.NotReadyReason(_lease) is { } reason
            ? new HealthCheckResult(context.Registration.FailureStatus, reason)
            : HealthCheckResult.Healthy("accepting connections; lease renewed"));
}
