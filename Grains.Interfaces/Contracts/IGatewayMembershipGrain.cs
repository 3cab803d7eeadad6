namespace OrleansSocket.Internal;

/// <summary>
/// The live gateways (one activation, key <see cref="Key"/>): for each, its id (also the prefix of its Engine.IO
/// session ids), the HTTP address other gateways relay its sessions to (no sticky sessions), the namespaces it has
/// sockets in, its lease and its <see cref="IGatewayObserver"/>. Each gateway renews its lease with
/// <see cref="Heartbeat"/>; one that misses it is declared dead, and the sockets it held are dropped from
/// namespaces, rooms and users (their disconnect handlers run with reason <c>transport close</c>).
/// </summary>
[Alias("OrleansSocket.IGatewayMembershipGrain")]
internal interface IGatewayMembershipGrain : IGrainWithIntegerKey
{
    /// <summary>The key of the one membership activation.</summary>
    public const long Key = 0;

    /// <summary>Renews (or takes) the gateway's lease; the reply lists the live gateways' addresses.</summary>
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

    /// <summary>The addresses of the gateways holding a lease now, by gateway id (those that advertise one).</summary>
    [Alias("Addresses")] Task<Dictionary<string, string>> Addresses();

    /// <summary>The namespaces the live gateways have (or, since their lease began, had) sockets in.</summary>
    [Alias("Namespaces")] Task<string[]> Namespaces();

    /// <summary>The silo this activation lives on (diagnostics: its loss makes gateways re-assert their sockets).</summary>
    [Alias("Host")] Task<string> Host();
}

/// <summary>A gateway's lease renewal: who it is, where it is reached, how long the lease lasts and where it has sockets.</summary>
/// <param name="GatewayId">The gateway's id: the prefix of its Engine.IO session ids, its stream's key, the gateway of its sockets.</param>
/// <param name="Lease">How long the lease lasts from this heartbeat; one not renewed within it gets the gateway pinged, then declared dead.</param>
/// <param name="Namespaces">The namespaces whose grains list this gateway's sockets (they are told when it dies); the namespace grains
/// also report them (<see cref="IGatewayMembershipGrain.AddNamespace"/>), so a gateway that dies before reporting loses none.</param>
/// <param name="Gateway">The gateway itself: pinged before it is declared dead, so that a slow heartbeat (or a second membership
/// activation after a silo failure) does not drop a live gateway's sockets.</param>
/// <param name="Address">The HTTP address (<c>scheme://host:port</c>) other gateways relay this gateway's sessions to; null when
/// it takes no relayed requests.</param>
[GenerateSerializer, Immutable, Alias("OrleansSocket.GatewayHeartbeat")]
internal sealed record GatewayHeartbeat(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] TimeSpan Lease,
    [property: Id(2)] string[] Namespaces,
    [property: Id(3)] IGatewayObserver? Gateway = null,
    [property: Id(4)] string? Address = null);

/// <summary>What a heartbeat did to the gateway's lease (<see cref="GatewayHeartbeatReply.Status"/>).</summary>
[GenerateSerializer, Alias("OrleansSocket.GatewayLeaseStatus")]
internal enum GatewayLeaseStatus
{
    /// <summary>The lease was renewed.</summary>
    Renewed,
    /// <summary>The membership did not know the gateway (first heartbeat, or it was reactivated after a silo
    /// failure): it holds a lease now; a gateway with sockets re-asserts them to their grains.</summary>
    New,
    /// <summary>The gateway had been declared dead (it missed its lease) and its sockets were dropped: it must close
    /// its connections (clients reconnect). It holds a fresh lease now.</summary>
    WasDeclaredDead,
    /// <summary>A live gateway at another address holds this id (random, 48 bits: all but impossible); the lease was
    /// not renewed.</summary>
    IdTaken,
}

/// <summary>The membership's answer: the lease's status, the silos the cluster has declared dead, the gateways' addresses.</summary>
/// <param name="Status">What the heartbeat did to the gateway's lease.</param>
/// <param name="DeadSilos">Dead silos (their grains' in-memory state is gone: a gateway that sees a new one re-asserts its sockets).</param>
/// <param name="Addresses">The addresses of the live gateways, by id (as <see cref="IGatewayMembershipGrain.Addresses"/>).</param>
[GenerateSerializer, Immutable, Alias("OrleansSocket.GatewayHeartbeatReply")]
internal sealed record GatewayHeartbeatReply(
    [property: Id(0)] GatewayLeaseStatus Status,
    [property: Id(1)] string[] DeadSilos,
    [property: Id(2)] Dictionary<string, string>? Addresses = null);
