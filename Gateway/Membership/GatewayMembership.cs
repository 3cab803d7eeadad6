using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using OrleansSocket.Gateway.Fanout;
using OrleansSocket.Gateway.Health;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Routing;
using OrleansSocket.Gateway.Sessions;
using OrleansSocket.Grains.Adapters;

namespace OrleansSocket.Gateway.Membership;

/// <summary>
/// This gateway's place in the cluster, its lease renewed through the adapter (<see cref="SocketIOAdapter.RenewLeaseAsync"/>;
/// on Orleans one entry in the <see cref="IGatewayMembershipGrain"/>): its id (the
/// prefix of its session ids), its advertised address (when it takes relayed requests,
/// <see cref="SocketIOOptions.ForwardSessions"/>), its namespaces, its lease and its observer. Renews the lease every
/// third of <see cref="OrleansClusterOptions.GatewayLease"/> from the time the server started (its address is known
/// then), and hands the other gateways' addresses to the <see cref="GatewaySessionRouter"/>; after a silo failure (a
/// new dead silo, or a membership that no longer knew this gateway) re-asserts every local socket to the grains and
/// checks its stream subscription;
/// when told it had been declared dead, closes its connections so the clients reconnect. On shutdown it drains:
/// connections are closed (clients see a transport close and reconnect elsewhere), the grains are told each
/// socket left, then the lease is given back.
/// </summary>
internal sealed class GatewayMembership(
    SocketIOServer server, AdapterNodeService node, GatewaySessionRouter router, SocketIOAdapter adapter, IConfiguration configuration,
    IServer httpServer, IHostApplicationLifetime lifetime, IOptions<SocketIOOptions> options, GatewayReadiness readiness,
    ILogger<GatewayMembership> logger, TimeProvider? time = null)
    : BackgroundService, IHostedLifecycleService
{
    /// <summary>Characters of a gateway id: 6 random bytes in base64url.</summary>
    public const int IdLength = 8;

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);
    private readonly TimeSpan _lease = configuration.GetOrleansClusterOptions().GatewayLease;
    private HashSet<string>? _knownDeadSilos;
    private readonly Lock _restoreGate = new();
    private Task _restoring = Task.CompletedTask;
    private string? _restoreAgain;
    private string? _address;
    private bool _announced;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly LeaseFailureRun _failures = new(time ?? TimeProvider.System);

    /// <summary>A new gateway id, the prefix of the gateway's Engine.IO session ids (URL-safe, not secret).</summary>
    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[6];
        RandomNumberGenerator.Fill(bytes);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Kestrel's addresses are known once the server started (a port 0 is bound by then); no client came before.
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            try
            {
                await started.Task.WaitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        if (options.Value.ForwardSessions)
        {
            try
            {
                _address = AdvertisedAddress.Of(options.Value, httpServer);
            }
            catch (Exception e)
            {
                MembershipLog.NoAddress(logger, e); // local sessions still work
            }
        }
        var period = LeaseCadence.Period(_lease);
        var renewed = _time.GetTimestamp();
        while (!stopping.IsCancellationRequested)
        {
            var succeeded = false;
            try
            {
                if (!await HeartbeatAsync(period, stopping))
                {
                    router.SetReady(); // the adapter keeps no leases (one process): no loop
                    readiness.NoLeaseKept();
                    return;
                }
                readiness.LeaseRenewed();
                if (_failures.Succeeded() is { } run) MembershipLog.HeartbeatRecovered(logger, server.GatewayId, run.Failures, run.Duration.TotalSeconds);
                succeeded = true;
                renewed = _time.GetTimestamp();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var inARow = _failures.Failed();
                if (inARow == 1) MembershipLog.HeartbeatFailed(logger, e, server.GatewayId);
                else MembershipLog.HeartbeatFailedAgain(logger, server.GatewayId, inARow, e.Message);
                readiness.LeaseRenewalFailed(e);
            }
            // After the first heartbeat, done or failed (local sessions work meanwhile): handshakes may go on.
            router.SetReady();
            try
            {
                await Task.Delay(LeaseCadence.NextDelay(_lease, _time.GetElapsedTime(renewed), succeeded), _time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <returns>False when the adapter keeps no leases.</returns>
    private async Task<bool> HeartbeatAsync(TimeSpan timeout, CancellationToken stopping)
    {
        var heartbeat = new GatewayHeartbeat(server.GatewayId, _lease, server.Index.Namespaces(), server.ObserverReference, _address);
        if (await adapter.RenewLeaseAsync(heartbeat).WaitAsync(timeout, stopping) is not { } reply) return false;
        router.Merge(reply.Addresses);
        if (!_announced && _address is not null && reply.Status != GatewayLeaseStatus.IdTaken)
        {
            _announced = true;
            MembershipLog.Advertised(logger, server.GatewayId, _address);
        }
        var newDead = _knownDeadSilos is null ? [] : reply.DeadSilos.Where(s => !_knownDeadSilos.Contains(s)).ToArray();
        _knownDeadSilos = [.. reply.DeadSilos];
        switch (reply.Status)
        {
            case GatewayLeaseStatus.WasDeclaredDead:
                MembershipLog.DeclaredDead(logger, server.GatewayId, server.SocketCount);
                server.CloseAllConnections();
                break;
            case GatewayLeaseStatus.New when server.SocketCount > 0:
                RequestRestore("the gateway membership did not know this gateway (reactivated after a silo failure)");
                break;
            case GatewayLeaseStatus.IdTaken:
                MembershipLog.IdTaken(logger, server.GatewayId);
                break;
            default:
                if (newDead.Length > 0) RequestRestore($"silo(s) {string.Join(", ", newDead)} died");
                break;
        }
        return true;
    }

    /// <summary>
    /// Restores in the background, one run at a time (a request during a run makes one more run): the heartbeats
    /// must go on meanwhile, or a gateway busy restoring many sockets would miss its lease.
    /// </summary>
    private void RequestRestore(string why)
    {
        lock (_restoreGate)
        {
            if (!_restoring.IsCompleted)
            {
                _restoreAgain = why;
                return;
            }
            _restoring = Task.Run(() => RestoreLoopAsync(why));
        }
    }

    private async Task RestoreLoopAsync(string why)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RestoreAsync(why);
            }
            catch (Exception e)
            {
                // e.g. the stream's pub-sub grain still on the dead silo: try again once the cluster caught up.
                MembershipLog.RestoreFailed(logger, e, server.GatewayId);
                if (attempt < 10)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _time);
                    continue;
                }
            }
            lock (_restoreGate)
            {
                if (_restoreAgain is null) return;
                why = _restoreAgain;
                _restoreAgain = null;
                attempt = 0;
            }
        }
    }

    /// <summary>Re-asserts every local socket (socket grain, namespace, rooms, user) and the stream subscription.</summary>
    private async Task RestoreAsync(string why)
    {
        var started = _time.GetTimestamp();
        await node.RecoverAsync();
        var sockets = server.Sockets;
        await Task.WhenAll(sockets.Select(s => s.EnqueueRestore(server.Index.RoomsOf(s))));
        MembershipLog.Restored(logger, server.GatewayId, sockets.Count, _time.GetElapsedTime(started).TotalMilliseconds, why);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The drain runs while stopping begins, before any hosted service's StopAsync: the co-hosted silo or Orleans
    // client may have been registered after AddSocketIO() and so stop first, and the drain still needs the cluster.
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        server.CloseAllConnections();
        var drained = await server.WaitUntilDrainedAsync(DrainTimeout, cancellationToken);
        // Not the socket count now: the Engine.IO endpoint closed the connections when the host began stopping.
        MembershipLog.Drained(logger, server.GatewayId, server.ClosedWhileStopping, drained ? "" : " (timed out)");
        await base.StopAsync(cancellationToken);
        try
        {
            await adapter.ReleaseLeaseAsync(server.GatewayId).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception e)
        {
            MembershipLog.UnregisterFailed(logger, e);
        }
    }
}
