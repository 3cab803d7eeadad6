namespace OrleansSocket.Gateway.Hosting;

/// <summary>How the gateway reaches the grains, bound from the <c>Cluster</c> configuration section (Orleans itself reads <c>Orleans</c>).</summary>
public sealed class OrleansClusterOptions
{
    public const string Section = "Cluster";

    /// <summary><c>Embedded</c> (default): a silo in this process. <c>Client</c>: connect to separate silos.</summary>
    public string Mode { get; set; } = "Embedded";

    /// <summary><c>Localhost</c> (default) or <c>Redis</c>.</summary>
    public string Clustering { get; set; } = "Localhost";

    /// <summary>The Redis connection string when <see cref="Clustering"/> is <c>Redis</c>.</summary>
    public string? RedisConnectionString { get; set; }

    public string ClusterId { get; set; } = "orleanssocket";
    public string ServiceId { get; set; } = "orleanssocket";

    /// <summary>
    /// Embedded silo ports (silo-to-silo and client gateway); 0, the default, takes free ports so
    /// that several embedded gateways can run on one machine.
    /// </summary>
    public int SiloPort { get; set; }
    public int GatewayPort { get; set; }

    /// <summary>Client mode with localhost clustering: the silo gateway port to connect to.</summary>
    public int ClientGatewayPort { get; set; } = 30000;

    public bool IsEmbedded => string.Equals(Mode, "Embedded", StringComparison.OrdinalIgnoreCase);
    public bool UsesRedis => string.Equals(Clustering, "Redis", StringComparison.OrdinalIgnoreCase);
}
