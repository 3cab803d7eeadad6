namespace OrleansSocket;

/// <summary>The names and tag of the health checks <c>AddSocketIOHealthChecks()</c> adds.</summary>
public static class SocketIOHealthChecks
{
    /// <summary>The tag of every OrleansSocket check: the readiness probe (<c>/health/ready</c>) runs these.</summary>
    public const string ReadyTag = "ready";
    /// <summary>The silo is active in the cluster membership.</summary>
    public const string Silo = "orleans-silo";
    /// <summary>The gateway accepts connections (not draining) and keeps its lease in the cluster.</summary>
    public const string Gateway = "socketio-gateway";
    /// <summary>The Redis of the cluster membership answers.</summary>
    public const string Redis = "redis";
}
