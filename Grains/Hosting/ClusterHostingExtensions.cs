using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace OrleansSocket;

/// <summary>
/// The one place where the <c>Cluster</c> configuration section becomes Orleans clustering: used by the
/// <c>Silo</c> host, by the gateway's embedded silo or Orleans client, and by emitter-only clients.
/// </summary>
public static class ClusterHostingExtensions
{
    /// <summary>The <c>Cluster</c> section, or the defaults (embedded, localhost clustering).</summary>
    public static OrleansClusterOptions GetOrleansClusterOptions(this IConfiguration configuration) =>
        configuration.GetSection(OrleansClusterOptions.Section).Get<OrleansClusterOptions>() ?? new();

    /// <summary>
    /// Cluster id, clustering provider (localhost or Redis), endpoints and the timeouts that bound how long a
    /// dead gateway holds anything up. <paramref name="defaultSiloPort"/> and <paramref name="defaultGatewayPort"/>
    /// apply when the configuration names no port (0: a free port).
    /// </summary>
    public static ISiloBuilder UseSocketIOCluster(this ISiloBuilder silo, OrleansClusterOptions options, int defaultSiloPort, int defaultGatewayPort)
    {
        // With Kubernetes hosting the ids come from the pod (ORLEANS_CLUSTER_ID, ORLEANS_SERVICE_ID).
        if (!options.Kubernetes) silo.Configure<ClusterOptions>(c => { c.ClusterId = options.ClusterId; c.ServiceId = options.ServiceId; });
        silo.Configure<SiloMessagingOptions>(m =>
        {
            m.ClientDropTimeout = options.ClientDropTimeout;
            if (options.ResponseTimeout is { } timeout) m.ResponseTimeout = timeout;
        });
        var siloPort = PortOrFree(options.SiloPort ?? defaultSiloPort);
        var gatewayPort = PortOrFree(options.GatewayPort ?? defaultGatewayPort);
        if (!options.UsesRedis)
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort);
            return silo;
        }

        silo.UseRedisClustering(options.RequireRedis());
        // The streams' pub-sub state (which gateway subscribed to which stream, which pulling agent produces it)
        // in Redis too, so that it outlives any one silo. In memory it was lost with a killed silo: the gateways
        // subscribed again under new ids, the pulling agents kept delivering to the old ones, and every broadcast
        // was dropped ("got an item for subscription ..., but I don't have any subscriber").
        silo.AddRedisGrainStorage(SocketIOSiloBuilderExtensions.PubSubStore,
            o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(options.RequireRedis()));
        if (options.Kubernetes)
        {
            // UseKubernetesHosting sets the advertised (pod) address and listens on any address; only the ports are ours.
            silo.Configure<EndpointOptions>(e => { e.SiloPort = siloPort; e.GatewayPort = gatewayPort; });
        }
        else if (options.AdvertisedIPAddress is { Length: > 0 } address)
        {
            silo.ConfigureEndpoints(IPAddress.Parse(address), siloPort, gatewayPort);
        }
        else
        {
            silo.ConfigureEndpoints(siloPort, gatewayPort, listenOnAnyHostAddress: false);
        }
        return silo;
    }

    /// <summary>
    /// An Orleans client of the cluster (a gateway in client mode, or a process that only emits): clustering,
    /// the broadcast stream provider, and retries of the first connection for <see cref="OrleansClusterOptions.ConnectTimeout"/>
    /// so that gateways and silos can be started in any order.
    /// </summary>
    public static IClientBuilder UseSocketIOCluster(this IClientBuilder client, OrleansClusterOptions options)
    {
        client.Configure<ClusterOptions>(c => { c.ClusterId = options.ClusterId; c.ServiceId = options.ServiceId; });
        if (options.ResponseTimeout is { } timeout) client.Configure<ClientMessagingOptions>(m => m.ResponseTimeout = timeout);
        if (options.UsesRedis) client.UseRedisClustering(options.RequireRedis());
        else client.UseLocalhostClustering(options.ClientGatewayPort);
        client.AddSocketIOStreams(); // partitioned as the silos are
        client.AddActivityPropagation(); // the gateway's spans continue in the silos' handlers
        // Learn of a dead silo's gateway sooner than Orleans' 1 minute default.
        client.Configure<GatewayOptions>(g => g.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10));

        var deadline = DateTime.UtcNow + options.ConnectTimeout;
        client.UseConnectionRetryFilter(async (exception, cancellation) =>
        {
            if (DateTime.UtcNow >= deadline || cancellation.IsCancellationRequested) return false;
            await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
            return true;
        });
        return client;
    }

    private static int PortOrFree(int port)
    {
        if (port != 0) return port;
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
