using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OrleansSocket;
using OrleansSocket.Grains.Health;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>builder.Services.AddHealthChecks().AddSocketIOHealthChecks()</c>: OrleansSocket's readiness checks, chosen by
/// what the process runs. Map them with <c>MapHealthChecks("/health/ready", new() { Predicate = r =&gt;
/// r.Tags.Contains(SocketIOHealthChecks.ReadyTag) })</c>, and liveness with a predicate that runs none.
/// </summary>
public static class SocketIOHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds, each tagged <see cref="SocketIOHealthChecks.ReadyTag"/>: on a silo (a silo host, or a gateway's co-hosted
    /// silo) <see cref="SocketIOHealthChecks.Silo"/>, the silo active in the cluster membership; on a gateway
    /// (<c>AddSocketIO()</c>) <see cref="SocketIOHealthChecks.Gateway"/>, the gateway accepting connections (not
    /// draining) and its lease in the cluster renewed (the Orleans client connected); with Redis clustering
    /// (<c>Cluster:Clustering=Redis</c>) <see cref="SocketIOHealthChecks.Redis"/>, a PING answered.
    /// </summary>
    /// <param name="builder">The application's health checks.</param>
    /// <param name="failureStatus">What a failing check reports; <see cref="HealthStatus.Unhealthy"/> by default.</param>
    public static IHealthChecksBuilder AddSocketIOHealthChecks(this IHealthChecksBuilder builder, HealthStatus? failureStatus = null)
    {
        // Which checks apply is known once the container is built (a silo, a gateway, Redis): the registrations are
        // added then, when the health check service first reads its options.
        builder.Services.AddSingleton<IConfigureOptions<HealthCheckServiceOptions>>(sp => new ConfigureOptions<HealthCheckServiceOptions>(options =>
        {
            string[] tags = [SocketIOHealthChecks.ReadyTag];
            if (sp.GetService<ILocalSiloDetails>() is not null && sp.GetService<IClusterMembershipService>() is not null)
            {
                options.Registrations.Add(new HealthCheckRegistration(SocketIOHealthChecks.Silo,
                    s => ActivatorUtilities.CreateInstance<SiloMembershipHealthCheck>(s), failureStatus, tags));
            }
            foreach (var contribution in sp.GetServices<SocketIOHealthContribution>())
                options.Registrations.Add(new HealthCheckRegistration(contribution.Name, contribution.Create, failureStatus, tags));
            var cluster = sp.GetRequiredService<IConfiguration>().GetOrleansClusterOptions();
            if (cluster.UsesRedis)
            {
                var redis = new RedisHealthCheck(cluster.RequireRedis());
                sp.GetRequiredService<RedisHealthCheckLifetime>().Add(redis);
                options.Registrations.Add(new HealthCheckRegistration(SocketIOHealthChecks.Redis, _ => redis, failureStatus, tags));
            }
        }));
        builder.Services.AddSingleton<RedisHealthCheckLifetime>();
        return builder;
    }
}
