using OrleansSocket;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Connects the gateway to the grains as configuration says: a co-hosted silo (the embedded
/// default, no external service) or an Orleans client of separate silos (<c>Cluster:Mode=Client</c>).
/// The clustering itself is <see cref="ClusterHostingExtensions"/>, shared with the <c>Silo</c> host.
/// </summary>
public static class OrleansHostingExtensions
{
    /// <summary>Adds the Orleans side of the gateway to <paramref name="builder"/> as the <c>Cluster</c> section says.</summary>
    /// <param name="builder">The gateway's application builder; its configuration picks the mode and clustering.</param>
    /// <param name="handlers">The application's handlers; they run in the co-hosted silo (embedded mode only —
    /// in client mode the silos register them).</param>
    public static WebApplicationBuilder AddOrleansSocketCluster(this WebApplicationBuilder builder, Action<ISocketIOBuilder> handlers)
    {
        var options = builder.Configuration.GetOrleansClusterOptions();
        builder.Services.AddSingleton(options);
        if (options.IsEmbedded)
        {
            // Free ports unless configured, so that several embedded gateways can run on one machine.
            builder.UseOrleans(silo => silo.UseSocketIOCluster(options, defaultSiloPort: 0, defaultGatewayPort: 0).AddSocketIO(handlers));
        }
        else
        {
            builder.UseOrleansClient(client => client.UseSocketIOCluster(options));
        }
        return builder;
    }
}
