namespace OrleansSocket;

/// <summary>How processes find each other when Orleans' own <c>Orleans:Clustering</c> keys are not set.</summary>
public enum ClusteringProvider
{
    /// <summary>One machine: silos on localhost (the first one's silo port is the primary), clients on a gateway port.</summary>
    Localhost,
    /// <summary>Membership in Redis (<c>Cluster:RedisConnectionString</c>), with the streams' subscriptions.</summary>
    Redis,
}
