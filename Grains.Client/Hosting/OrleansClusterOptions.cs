namespace OrleansSocket;

/// <summary>
/// OrleansSocket's cluster settings, bound from the <c>Cluster</c> configuration section and validated at start. The
/// gateway lease and timeouts always apply; the clustering keys (<see cref="Clustering"/>, ports, ids) apply only
/// when Orleans' standard <c>Orleans:Clustering:ProviderType</c> is not set (they predate it and stay for
/// compatibility).
/// </summary>
public sealed class OrleansClusterOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Cluster";

    /// <summary><see cref="ClusteringProvider.Localhost"/> (default) or <see cref="ClusteringProvider.Redis"/>.</summary>
    public ClusteringProvider Clustering { get; set; } = ClusteringProvider.Localhost;

    /// <summary>The Redis connection string when <see cref="Clustering"/> is <c>Redis</c>, e.g. <c>127.0.0.1:6379</c>.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>The Orleans cluster id; silos and clients with the same one form a cluster.</summary>
    public string ClusterId { get; set; } = "orleanssocket";
    /// <summary>The Orleans service id, which keys persistent state; stays the same across deployments.</summary>
    public string ServiceId { get; set; } = "orleanssocket";

    /// <summary>
    /// Silo-to-silo port and the port Orleans clients (gateways) connect to. Unset: the <c>Silo</c> host takes
    /// 11111 and 30000; an embedded silo takes free ports, so that several gateways can run on one machine.
    /// </summary>
    public int? SiloPort { get; set; }
    /// <inheritdoc cref="SiloPort"/>
    public int? GatewayPort { get; set; }

    /// <summary>
    /// With Redis clustering: the address this silo advertises to the others (e.g. <c>127.0.0.1</c> for a
    /// cluster on one machine). Unset: the host's first non-loopback IPv4 address, as Orleans picks it.
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>Client mode with localhost clustering: the silo gateway port to connect to.</summary>
    public int ClientGatewayPort { get; set; } = 30000;

    /// <summary>Client mode: how long a client keeps retrying its first connection (silos may start after it).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Silo: how long after its connection dropped an Orleans client (a gateway) counts as gone, so that
    /// calls and stream deliveries to it fail instead of waiting (Orleans' default is 1 minute).
    /// </summary>
    public TimeSpan ClientDropTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Grain call timeout on silos and clients; unset: Orleans' default (30 s).</summary>
    public TimeSpan? ResponseTimeout { get; set; }

    /// <summary>
    /// Gateways renew a lease in the gateway membership; one that has not renewed it for this long is declared
    /// dead and its sockets are dropped from rooms, users and namespaces. Renewed every third of it.
    /// </summary>
    public TimeSpan GatewayLease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Silo: the most grain addresses the grain directory's cache keeps (Orleans' <c>GrainDirectoryOptions.CacheSize</c>,
    /// whose own default is 1 000 000). Every socket that ever connected leaves an entry (about 300 bytes) until it
    /// is evicted, least recently used first (Orleans' time-to-live does not remove it: measured in
    /// docs/performance.md), so this bounds what connection churn can make a silo hold; keep it above the number of
    /// sockets a silo serves at once.
    /// </summary>
    public int DirectoryCacheSize { get; set; } = 100_000;

    /// <summary>Silo: <c>UseKubernetesHosting</c> (pod name, pod IP and cluster id from the pod's environment).</summary>
    public bool Kubernetes { get; set; }

    /// <summary>
    /// Silo and gateway client: Orleans' <c>AddActivityPropagation()</c>, its grain call spans and trace context across
    /// grain calls, so that a handler's calls to the application's grains join the trace when
    /// <c>Microsoft.Orleans.Application</c> is traced. Off by default: its call filters then run on every grain call,
    /// each client event's included, whether anything is traced or not (measured in docs/performance.md).
    /// OrleansSocket's own spans do not need it: the gateway's trace context travels in the call's
    /// <c>RequestContext</c> either way. An application may also call <c>AddActivityPropagation()</c> itself.
    /// </summary>
    public bool ActivityPropagation { get; set; }

    /// <summary>The configuration key of <see cref="ActivityPropagation"/>, read before the options are bound.</summary>
    internal const string ActivityPropagationKey = Section + ":" + nameof(ActivityPropagation);

    internal bool UsesRedis => Clustering == ClusteringProvider.Redis;

    internal string RequireRedis() =>
        RedisConnectionString is { Length: > 0 } redis
            ? redis
            : throw new InvalidOperationException("Cluster:RedisConnectionString is required with Cluster:Clustering=Redis.");
}
