namespace OrleansSocket;

/// <summary>
/// The live gateways, with leases (one activation, key <see cref="Key"/>). Each gateway renews its lease with
/// <see cref="Heartbeat"/>; one that misses it is declared dead, and the sockets it held are dropped from
/// namespaces, rooms and users (their disconnect handlers run with reason <c>transport close</c>).
/// </summary>
[Alias("OrleansSocket.IGatewayRegistryGrain")]
public interface IGatewayRegistryGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>Renews (or takes) the gateway's lease.</summary>
    [Alias("Heartbeat")] Task<GatewayHeartbeatReply> Heartbeat(GatewayHeartbeat heartbeat);

    /// <summary>
    /// A namespace grain took the first socket of <paramref name="gatewayId"/>: should the gateway die, the namespace is
    /// told to drop it, whatever the gateway reported in its heartbeats (it may die before its next one). Called before
    /// the socket is counted in the namespace, so every socket a gateway holds is covered by its lease.
    /// </summary>
    [Alias("AddNamespace"), Orleans.Concurrency.AlwaysInterleave] Task AddNamespace(string gatewayId, string @namespace);

    /// <summary>A gateway that shut down cleanly (after its sockets left) gives its lease back.</summary>
    [Alias("Unregister")] Task Unregister(string gatewayId);

    /// <summary>The gateways holding a lease now.</summary>
    [Alias("Gateways")] Task<string[]> Gateways();

    /// <summary>The silo this registry activation lives on (diagnostics: its loss makes gateways re-assert their sockets).</summary>
    [Alias("Host")] Task<string> Host();
}

/// <summary>A gateway's lease renewal: how long the lease lasts and which namespaces it has sockets in.</summary>
[GenerateSerializer, Immutable, Alias("OrleansSocket.GatewayHeartbeat")]
public sealed record GatewayHeartbeat(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] TimeSpan Lease,
    /// <summary>The namespaces whose grains list this gateway's sockets (they are told when it dies); the namespace grains
    /// also report them (<see cref="IGatewayRegistryGrain.AddNamespace"/>), so a gateway that dies before reporting loses none.</summary>
    [property: Id(2)] string[] Namespaces,
    /// <summary>The gateway itself: pinged before it is declared dead, so that a slow heartbeat (or a second registry
    /// activation after a silo failure) does not drop a live gateway's sockets.</summary>
    [property: Id(3)] IGatewayObserver? Gateway = null);

[GenerateSerializer, Alias("OrleansSocket.GatewayLeaseStatus")]
public enum GatewayLeaseStatus
{
    /// <summary>The lease was renewed.</summary>
    Renewed,
    /// <summary>The registry did not know the gateway (first heartbeat, or the registry was reactivated after a silo
    /// failure): it holds a lease now; a gateway with sockets re-asserts them to their grains.</summary>
    New,
    /// <summary>The gateway had been declared dead (it missed its lease) and its sockets were dropped: it must close
    /// its connections (clients reconnect). It holds a fresh lease now.</summary>
    WasDeclaredDead,
}

/// <summary>The registry's answer: the lease's status and the silos the cluster has declared dead.</summary>
[GenerateSerializer, Immutable, Alias("OrleansSocket.GatewayHeartbeatReply")]
public sealed record GatewayHeartbeatReply(
    [property: Id(0)] GatewayLeaseStatus Status,
    /// <summary>Dead silos (their grains' in-memory state is gone: a gateway that sees a new one re-asserts its sockets).</summary>
    [property: Id(1)] string[] DeadSilos);
