using Microsoft.Extensions.Logging;

namespace OrleansSocket.Grains.Gateways;

/// <summary>
/// The gateways' membership: one lease per gateway, renewed by its heartbeats, which carry its address (for
/// relaying its Engine.IO sessions) and its namespaces. A gateway that has not renewed its lease within the lease it asked for is declared dead:
/// every namespace it has sockets in (reported in its heartbeats, and by the namespace grains before they count its
/// first socket, <see cref="IGatewayMembershipGrain.AddNamespace"/>) is told to drop it (which tells each of its socket grains, which leave their
/// rooms and user). The bound from a gateway's death to its sockets being dropped is the lease plus the
/// check period (a quarter of the shortest lease, at most one second) plus the ping that confirms it (at most 2 s).
/// </summary>
/// <remarks>
/// State is in memory: when the silo holding it dies, the new activation learns the live gateways from their
/// next heartbeats (answered <see cref="GatewayLeaseStatus.New"/>, upon which they re-assert their sockets). A
/// gateway that dies in the same window is not seen dying (its sockets stay listed until their grains are told
/// otherwise); see docs/scale-out.md. Meanwhile the gateways keep relaying to the addresses they already know.
/// </remarks>
internal sealed class GatewayMembershipGrain(
    IClusterMembershipService membership, TimeProvider time, ILogger<GatewayMembershipGrain> logger)
    : Grain, IGatewayMembershipGrain
{
    private static readonly TimeSpan MaxCheckPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinCheckPeriod = TimeSpan.FromMilliseconds(100);
    private const int MaxTombstones = 10_000;
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    private sealed record Lease(DateTime Expires, TimeSpan Duration, IGatewayObserver? Gateway, string? Address);

    private readonly Dictionary<string, Lease> _live = [];
    // Where each gateway has sockets: from its heartbeats and, as soon as it has its first socket there, from the
    // namespace grains. Only accumulates while the gateway lives (one whose sockets all left may still list some).
    private readonly Dictionary<string, HashSet<string>> _namespaces = [];
    // Gateways declared dead, so that one that comes back (a long pause, a partition) is told to drop its connections.
    private readonly Dictionary<string, DateTime> _dead = [];
    private IGrainTimer? _timer;
    private TimeSpan _checkPeriod = MaxCheckPeriod;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Heartbeats keep the activation busy, but a quiet cluster must not lose its leases to idle collection.
        DelayDeactivation(TimeSpan.MaxValue);
        ScheduleChecks(MaxCheckPeriod);
        return Task.CompletedTask;
    }

    public Task<GatewayHeartbeatReply> Heartbeat(GatewayHeartbeat heartbeat)
    {
        var now = Now;
        var status = GatewayLeaseStatus.Renewed;
        if (_live.TryGetValue(heartbeat.GatewayId, out var previous))
        {
            if (previous.Address is not null && heartbeat.Address is not null && previous.Address != heartbeat.Address)
            {
                MembershipGrainLog.IdTaken(logger, heartbeat.GatewayId, heartbeat.Address, previous.Address);
                return Task.FromResult(new GatewayHeartbeatReply(GatewayLeaseStatus.IdTaken, DeadSilos(), AddressesNow()));
            }
        }
        else
        {
            status = _dead.Remove(heartbeat.GatewayId) ? GatewayLeaseStatus.WasDeclaredDead : GatewayLeaseStatus.New;
            MembershipGrainLog.LeaseTaken(logger, heartbeat.GatewayId, heartbeat.Lease, status);
        }
        foreach (var ns in heartbeat.Namespaces) AddNamespaceOf(heartbeat.GatewayId, ns);
        _live[heartbeat.GatewayId] = new Lease(now + heartbeat.Lease, heartbeat.Lease, heartbeat.Gateway ?? previous?.Gateway,
            heartbeat.Address ?? previous?.Address);
        var period = TimeSpan.FromTicks(Math.Clamp(heartbeat.Lease.Ticks / 4, MinCheckPeriod.Ticks, MaxCheckPeriod.Ticks));
        if (period < _checkPeriod) ScheduleChecks(period);
        return Task.FromResult(new GatewayHeartbeatReply(status, DeadSilos(), AddressesNow()));
    }

    public Task AddNamespace(string gatewayId, string @namespace)
    {
        AddNamespaceOf(gatewayId, @namespace);
        return Task.CompletedTask;
    }

    private void AddNamespaceOf(string gatewayId, string @namespace)
    {
        if (!_namespaces.TryGetValue(gatewayId, out var namespaces)) _namespaces[gatewayId] = namespaces = [];
        namespaces.Add(@namespace);
    }

    public Task Unregister(string gatewayId)
    {
        _namespaces.Remove(gatewayId);
        if (_live.Remove(gatewayId)) MembershipGrainLog.LeaseGivenBack(logger, gatewayId);
        return Task.CompletedTask;
    }

    public Task<string[]> Gateways() => Task.FromResult(_live.Keys.ToArray());

    public Task<Dictionary<string, string>> Addresses() => Task.FromResult(AddressesNow());

    public Task<string[]> Namespaces() => Task.FromResult(_namespaces.Values.SelectMany(n => n).Distinct().ToArray());

    public Task<string> Host() => Task.FromResult(RuntimeIdentity);

    private void ScheduleChecks(TimeSpan period)
    {
        _checkPeriod = period;
        _timer?.Dispose();
        _timer = this.RegisterGrainTimer(CheckLeases, new GrainTimerCreationOptions(period, period) { KeepAlive = true });
    }

    private async Task CheckLeases(CancellationToken cancellation)
    {
        var now = Now;
        var expired = _live.Where(kv => kv.Value.Expires < now).ToList();
        if (expired.Count == 0) return;
        var answers = await Task.WhenAll(expired.Select(kv => Answers(kv.Value.Gateway)));
        now = Now;
        for (var i = 0; i < expired.Count; i++)
        {
            var (gatewayId, lease) = expired[i];
            if (!_live.TryGetValue(gatewayId, out var current) || current.Expires >= now) continue; // renewed meanwhile
            if (answers[i])
            {
                MembershipGrainLog.LateButAlive(logger, gatewayId, lease.Duration);
                _live[gatewayId] = current with { Expires = now + current.Duration };
                continue;
            }
            _live.Remove(gatewayId);
            if (_dead.Count >= MaxTombstones) _dead.Remove(_dead.MinBy(kv => kv.Value).Key);
            _dead[gatewayId] = now;
            // Read now, after the pings: a namespace reported meanwhile (AddNamespace interleaves) is included.
            string[] namespaces = _namespaces.Remove(gatewayId, out var held) ? [.. held] : [];
            MembershipGrainLog.DeclaredDead(logger, gatewayId, lease.Duration, (now - lease.Expires).TotalSeconds, string.Join(", ", namespaces));
            foreach (var ns in namespaces)
            {
                try
                {
                    await GrainFactory.GetGrain<INamespaceGrain>(ns).DropGateway(gatewayId);
                }
                catch (Exception e)
                {
                    MembershipGrainLog.DropFailed(logger, e, gatewayId, ns);
                }
            }
        }
    }

    /// <summary>Whether the gateway answers a ping in time (false when there is no reference to ask).</summary>
    private static async Task<bool> Answers(IGatewayObserver? gateway)
    {
        if (gateway is null) return false;
        try
        {
            await gateway.Ping().WaitAsync(PingTimeout);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private Dictionary<string, string> AddressesNow() =>
        _live.Where(kv => kv.Value.Address is not null).ToDictionary(kv => kv.Key, kv => kv.Value.Address!, StringComparer.Ordinal);

    private string[] DeadSilos() =>
        [.. membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress.ToParsableString())];
}
