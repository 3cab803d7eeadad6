using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OrleansSocket;

/// <summary>
/// Where OrleansSocket's <c>Cluster</c> section becomes Orleans configuration, for <c>AddSocketIOGrains</c> (silos)
/// and <c>AddSocketIOClient</c> (Orleans clients). Orleans' standard keys win: with
/// <c>Orleans:Clustering:ProviderType</c> set, Orleans configures clustering and endpoints itself (as
/// <c>UseOrleans</c>/<c>UseOrleansClient</c> read the <c>Orleans</c> section, e.g. from Aspire), and with
/// <c>Orleans:ClusterId</c>/<c>Orleans:ServiceId</c> set, the ids.
/// </summary>
internal static class ClusterHostingExtensions
{
    internal const string OrleansClusteringKey = "Orleans:Clustering:ProviderType";

    /// <summary>The grain storage Orleans keeps stream subscriptions in (the name Orleans' streams look up).</summary>
    internal const string PubSubStore = "PubSubStore";

    /// <summary>The <c>Cluster</c> section, validated, or the defaults (localhost clustering).</summary>
    /// <exception cref="OptionsValidationException">a value is invalid; the message names its key.</exception>
    internal static OrleansClusterOptions GetOrleansClusterOptions(this IConfiguration configuration)
    {
        var options = configuration.GetSection(OrleansClusterOptions.Section).Get<OrleansClusterOptions>() ?? new();
        var result = new OrleansClusterOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed) throw new OptionsValidationException(Options.DefaultName, typeof(OrleansClusterOptions), result.Failures);
        return options;
    }

    private static bool OrleansConfiguresClustering(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration[OrleansClusteringKey]);

    private static void ConfigureIds(IServiceCollection services, IConfiguration configuration, OrleansClusterOptions options)
    {
        if (string.IsNullOrEmpty(configuration["Orleans:ClusterId"])) services.Configure<ClusterOptions>(c => c.ClusterId = options.ClusterId);
        if (string.IsNullOrEmpty(configuration["Orleans:ServiceId"])) services.Configure<ClusterOptions>(c => c.ServiceId = options.ServiceId);
    }

    /// <summary>
    /// Cluster id, clustering (unless Orleans' own keys configure it), endpoints and the timeouts that bound how long
    /// a dead gateway holds anything up. Unconfigured localhost ports are 11111 and 30000, or free ports when this
    /// silo is co-hosted with a gateway (so that several such processes run on one machine).
    /// </summary>
    internal static ISiloBuilder UseSocketIOClustering(this ISiloBuilder silo)
    {
        var options = silo.Configuration.GetOrleansClusterOptions();
        silo.Services.AddOptions<OrleansClusterOptions>().BindConfiguration(OrleansClusterOptions.Section).ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<OrleansClusterOptions>, OrleansClusterOptionsValidator>();
        silo.Configure<SiloMessagingOptions>(m =>
        {
            m.ClientDropTimeout = options.ClientDropTimeout;
            if (options.ResponseTimeout is { } timeout) m.ResponseTimeout = timeout;
        });
        // Socket grains come and go with connections, and each leaves its address in the directory cache until evicted.
        silo.Configure<GrainDirectoryOptions>(d => d.CacheSize = options.DirectoryCacheSize);
        if (OrleansConfiguresClustering(silo.Configuration)) return silo;

        // With Kubernetes hosting the ids come from the pod (ORLEANS_CLUSTER_ID, ORLEANS_SERVICE_ID).
        if (!options.Kubernetes) ConfigureIds(silo.Services, silo.Configuration, options);
        var siloPort = options.SiloPort ?? silo.Configuration.GetValue<int?>("Orleans:Endpoints:SiloPort");
        var gatewayPort = options.GatewayPort ?? silo.Configuration.GetValue<int?>("Orleans:Endpoints:GatewayPort");
        if (!options.UsesRedis)
        {
            silo.UseLocalhostClustering();
            silo.Services.AddSingleton(sp => new LocalhostPorts(siloPort, gatewayPort, sp.GetService<SocketIOGatewayMarker>() is not null));
            silo.Services.AddOptions<EndpointOptions>().PostConfigure<LocalhostPorts>((e, ports) =>
            {
                e.SiloPort = ports.Silo;
                e.GatewayPort = ports.Gateway;
            });
            silo.Services.AddOptions<DevelopmentClusterMembershipOptions>().PostConfigure<LocalhostPorts>((d, ports) =>
                d.PrimarySiloEndpoint = new IPEndPoint(IPAddress.Loopback, ports.Silo));
            return silo;
        }

        // Membership in Redis, and the streams' pub-sub state (which gateway subscribed to which stream, which pulling
        // agent produces it) in Redis too, so that it outlives any one silo. In memory it was lost with a killed silo: the gateways
        // subscribed again under new ids, the pulling agents kept delivering to the old ones, and every broadcast
        // was dropped ("got an item for subscription ..., but I don't have any subscriber").
        silo.UseRedisProviders(options.RequireRedis(), PubSubStore);
        var redisSiloPort = PortOrFree(siloPort ?? 11111);
        var redisGatewayPort = PortOrFree(gatewayPort ?? 30000);
        if (options.Kubernetes)
        {
            // UseKubernetesHosting sets the advertised (pod) address and listens on any address; only the ports are ours.
            silo.Configure<EndpointOptions>(e => { e.SiloPort = redisSiloPort; e.GatewayPort = redisGatewayPort; });
        }
        else if (options.AdvertisedIPAddress is { Length: > 0 } address)
        {
            silo.ConfigureEndpoints(IPAddress.Parse(address), redisSiloPort, redisGatewayPort);
        }
        else
        {
            silo.ConfigureEndpoints(redisSiloPort, redisGatewayPort, listenOnAnyHostAddress: false);
        }
        return silo;
    }

    /// <summary>
    /// An Orleans client of the cluster (a gateway of separate silos, or a process that only emits): ids, clustering
    /// (unless Orleans' own keys configure it), and retries of the first connection for
    /// <see cref="OrleansClusterOptions.ConnectTimeout"/> so that gateways and silos can be started in any order.
    /// </summary>
    internal static IClientBuilder UseSocketIOClustering(this IClientBuilder client)
    {
        var options = client.Configuration.GetOrleansClusterOptions();
        client.Services.AddOptions<OrleansClusterOptions>().BindConfiguration(OrleansClusterOptions.Section).ValidateOnStart();
        client.Services.AddSingleton<IValidateOptions<OrleansClusterOptions>, OrleansClusterOptionsValidator>();
        if (options.ResponseTimeout is { } timeout) client.Configure<ClientMessagingOptions>(m => m.ResponseTimeout = timeout);
        if (!OrleansConfiguresClustering(client.Configuration))
        {
            ConfigureIds(client.Services, client.Configuration, options);
            if (options.UsesRedis) client.UseRedisProviders(options.RequireRedis());
            else client.UseLocalhostClustering(options.ClientGatewayPort);
        }
        // Orleans' grain call spans only when asked for; the handlers' spans continue the gateway's without them.
        if (options.ActivityPropagation) client.AddActivityPropagation();
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

    internal static int PortOrFree(int port)
    {
        if (port != 0) return port;
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The localhost silo's ports, chosen once the container knows whether a gateway shares the process.</summary>
    private sealed class LocalhostPorts(int? silo, int? gateway, bool coHostedWithGateway)
    {
        public int Silo { get; } = PortOrFree(silo ?? (coHostedWithGateway ? 0 : 11111));
        public int Gateway { get; } = PortOrFree(gateway ?? (coHostedWithGateway ? 0 : 30000));
    }
}
