using System.Collections.Concurrent;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Membership;

namespace OrleansSocket.Gateway.Routing;

/// <summary>
/// Finds the gateway holding an Engine.IO session through the cluster's <see cref="IGatewayMembershipGrain"/>:
/// every session id starts with the id of the gateway that opened it, and the membership knows each live gateway's
/// HTTP address (<see cref="GatewayMembership"/> advertises this one's in its heartbeats).
/// <para>
/// Cost: nothing per session and nothing for a request whose session is local (the endpoint finds it first).
/// A foreign id is looked up in a local copy of the addresses, refreshed by every heartbeat's reply; an id missing
/// from it refreshes the copy with one grain call, at most every <see cref="MinRefreshInterval"/> however many
/// requests miss.
/// </para>
/// </summary>
internal sealed partial class GatewaySessionRouter : IEngineSessionRouter
{
    internal static readonly TimeSpan MinRefreshInterval = TimeSpan.FromMilliseconds(250);

    private readonly IGrainFactory _grains;
    private readonly TimeSpan _keepMissing;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Owner> _owners = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _refreshLock = new();
    private Task? _refresh;
    private long _lastRefreshStart;

    /// <param name="gatewayId">This gateway's id (<see cref="GatewayMembership.NewId"/>), the prefix of its session ids.</param>
    /// <param name="grains">Reaches the membership grain.</param>
    /// <param name="keepMissing">How long an address missing from the membership is still used: a lease, since a
    /// membership activation that has just replaced a lost one learns the gateways from their next heartbeats.</param>
    /// <param name="logger">Refresh failures.</param>
    /// <param name="time">The clock of the refresh spacing and of <paramref name="keepMissing"/>.</param>
    public GatewaySessionRouter(string gatewayId, IGrainFactory grains, TimeSpan keepMissing, ILogger<GatewaySessionRouter> logger,
        TimeProvider? time = null)
    {
        LocalPrefix = gatewayId;
        _grains = grains;
        _keepMissing = keepMissing;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _lastRefreshStart = _time.GetTimestamp() - (long)(MinRefreshInterval.TotalSeconds * _time.TimestampFrequency);
    }

    public string LocalPrefix { get; }

    public Task Ready => _ready.Task;

    private IGatewayMembershipGrain Membership => _grains.GetGrain<IGatewayMembershipGrain>(IGatewayMembershipGrain.Key);

    /// <summary>Handshakes may go on: this gateway's first heartbeat is done (or failed: local sessions still work).</summary>
    internal void SetReady() => _ready.TrySetResult();

    public ValueTask<Uri?> FindOwnerAsync(string sid, CancellationToken cancellationToken)
    {
        if (sid.Length <= GatewayMembership.IdLength) return default;
        var id = sid[..GatewayMembership.IdLength];
        if (id == LocalPrefix) return default;
        if (_owners.TryGetValue(id, out var owner)) return new(owner.Address);
        return LookUpAsync(id, cancellationToken);
    }

    private async ValueTask<Uri?> LookUpAsync(string id, CancellationToken cancellationToken)
    {
        var missedAt = _time.GetTimestamp();
        // Two rounds at most: a refresh already running may have started before the gateway took its lease.
        for (var round = 0; round < 2; round++)
        {
            var (refresh, startedAt) = Refresh();
            await refresh.WaitAsync(cancellationToken);
            if (_owners.TryGetValue(id, out var owner)) return owner.Address;
            if (startedAt >= missedAt) break;
        }
        return null;
    }

    /// <summary>The refresh running, or a new one (spaced by <see cref="MinRefreshInterval"/>), with when it starts.</summary>
    private (Task Refresh, long StartedAt) Refresh()
    {
        lock (_refreshLock)
        {
            if (_refresh is { IsCompleted: false }) return (_refresh, _lastRefreshStart);
            var now = _time.GetTimestamp();
            var wait = MinRefreshInterval - _time.GetElapsedTime(_lastRefreshStart, now);
            if (wait < TimeSpan.Zero) wait = TimeSpan.Zero;
            _lastRefreshStart = now + (long)(wait.TotalSeconds * _time.TimestampFrequency);
            _refresh = RefreshAsync(wait);
            return (_refresh, _lastRefreshStart);
        }
    }

    private async Task RefreshAsync(TimeSpan wait)
    {
        try
        {
            if (wait > TimeSpan.Zero) await Task.Delay(wait, _time);
            Merge(await Membership.Addresses());
        }
        catch (Exception ex)
        {
            RoutingLog.RefreshFailed(_logger, ex);
        }
    }

    /// <summary>
    /// Takes the membership's addresses. One missing from them is kept for <c>keepMissing</c> more (the membership
    /// may have just been reactivated empty, before the gateways' next heartbeats), then dropped.
    /// </summary>
    internal void Merge(Dictionary<string, string>? addresses)
    {
        if (addresses is null) return;
        var now = _time.GetTimestamp();
        foreach (var (id, address) in addresses)
        {
            if (id == LocalPrefix) continue;
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri)) continue;
            _owners[id] = new Owner(uri, now);
        }
        foreach (var (id, owner) in _owners)
            if (!addresses.ContainsKey(id) && _time.GetElapsedTime(owner.SeenAt, now) > _keepMissing)
                _owners.TryRemove(new KeyValuePair<string, Owner>(id, owner));
    }

    private sealed record Owner(Uri Address, long SeenAt);
}
