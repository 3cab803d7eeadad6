using System.Net;
using System.Net.Sockets;
using Orleans.Configuration;
using OrleansSocket;
using OrleansSocket.Gateway.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Connects the gateway to the grains as configuration says: a co-hosted silo (the embedded
/// default, no external service) or an Orleans client of separate silos.
/// </summary>
public static class OrleansHostingExtensions
{
    /// <param name="handlers">The application's handlers; they run in the co-hosted silo (embedded mode only —
    /// in client mode the silos register them).</param>
    public static WebApplicationBuilder AddOrleansSocketCluster(this WebApplicationBuilder builder, Action<ISocketIOBuilder> handlers)
    {
        var options = builder.Configuration.GetSection(OrleansClusterOptions.Section).Get<OrleansClusterOptions>() ?? new();
        if (options.IsEmbedded)
        {
            builder.UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(c => { c.ClusterId = options.ClusterId; c.ServiceId = options.ServiceId; });
                if (options.UsesRedis)
                {
                    silo.UseRedisClustering(options.RedisConnectionString ?? throw new InvalidOperationException("Cluster:RedisConnectionString is required with Redis clustering."));
                    silo.ConfigureEndpoints(options.SiloPort == 0 ? FreePort() : options.SiloPort,
                        options.GatewayPort == 0 ? FreePort() : options.GatewayPort, listenOnAnyHostAddress: false);
                }
                else
                {
                    silo.UseLocalhostClustering(options.SiloPort == 0 ? FreePort() : options.SiloPort,
                        options.GatewayPort == 0 ? FreePort() : options.GatewayPort);
                }
                silo.AddSocketIO(handlers);
            });
        }
        else
        {
            builder.UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(c => { c.ClusterId = options.ClusterId; c.ServiceId = options.ServiceId; });
                if (options.UsesRedis) client.UseRedisClustering(options.RedisConnectionString ?? throw new InvalidOperationException("Cluster:RedisConnectionString is required with Redis clustering."));
                else client.UseLocalhostClustering(options.ClientGatewayPort);
                client.AddSocketIOStreams();
            });
        }
        return builder;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
