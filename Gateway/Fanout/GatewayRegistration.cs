using Microsoft.Extensions.Logging;
using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Gateway.Fanout;

/// <summary>
/// This gateway's place in the cluster: renews its lease in the <see cref="IGatewayRegistryGrain"/> every third
/// of <see cref="OrleansClusterOptions.GatewayLease"/>; after a silo failure (a new dead silo, or a registry that
/// no longer knew this gateway) re-asserts every local socket to the grains and checks its stream subscription;
/// when told it had been declared dead, closes its connections so the clients reconnect. On shutdown it drains:
/// connections are closed (clients see a transport close and reconnect elsewhere), the grains are told each
/// socket left, then the lease is given back.
/// </summary>
internal sealed partial class GatewayRegistration(
    SocketIOServer server, GatewayStreamConsumer stream, IGrainFactory grains, IConfiguration configuration,
    ILogger<GatewayRegistration> logger) : BackgroundService
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);
    private readonly TimeSpan _lease = configuration.GetOrleansClusterOptions().GatewayLease;
    private HashSet<string>? _knownDeadSilos;
    private readonly Lock _restoreGate = new();
    private Task _restoring = Task.CompletedTask;
    private string? _restoreAgain;

    private IGatewayRegistryGrain Registry => grains.GetGrain<IGatewayRegistryGrain>(IGatewayRegistryGrain.Key);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var period = _lease / 3;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await HeartbeatAsync(period, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Gateway {Gateway}: lease renewal failed: {Error}", server.GatewayId, e.Message);
            }
            try
            {
                await Task.Delay(period, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task HeartbeatAsync(TimeSpan timeout, CancellationToken stopping)
    {
        var reply = await Registry.Heartbeat(new GatewayHeartbeat(server.GatewayId, _lease, server.Index.Namespaces(), server.ObserverReference))
            .WaitAsync(timeout, stopping);
        var newDead = _knownDeadSilos is null ? [] : reply.DeadSilos.Where(s => !_knownDeadSilos.Contains(s)).ToArray();
        _knownDeadSilos = [.. reply.DeadSilos];
        switch (reply.Status)
        {
            case GatewayLeaseStatus.WasDeclaredDead:
                logger.LogWarning("Gateway {Gateway} had been declared dead (missed its lease): closing its {Count} sockets' connections",
                    server.GatewayId, server.SocketCount);
                server.CloseAllConnections();
                break;
            case GatewayLeaseStatus.New when server.SocketCount > 0:
                RequestRestore("the gateway registry did not know this gateway (reactivated after a silo failure)");
                break;
            default:
                if (newDead.Length > 0) RequestRestore($"silo(s) {string.Join(", ", newDead)} died");
                break;
        }
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
                logger.LogWarning("Gateway {Gateway}: restoring sockets failed ({Error}); retrying", server.GatewayId, e.Message);
                if (attempt < 10)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1));
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
        var started = DateTime.UtcNow;
        await stream.EnsureSubscribedAsync();
        var sockets = server.Sockets;
        await Task.WhenAll(sockets.Select(s => s.EnqueueRestore(server.Index.RoomsOf(s))));
        logger.LogWarning("Gateway {Gateway}: re-asserted {Count} sockets in {Ms:F0} ms because {Why}",
            server.GatewayId, sockets.Count, (DateTime.UtcNow - started).TotalMilliseconds, why);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        server.CloseAllConnections();
        var drained = await server.WaitUntilDrainedAsync(DrainTimeout, cancellationToken);
        // Not the socket count now: the Engine.IO endpoint closed the connections when the host began stopping.
        LogDrained(logger, server.GatewayId, server.ClosedWhileStopping, drained ? "" : " (timed out)");
        await base.StopAsync(cancellationToken);
        try
        {
            await Registry.Unregister(server.GatewayId).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Giving the lease back failed");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway {Gateway} drained {Count} sockets{Late}")]
    private static partial void LogDrained(ILogger logger, string gateway, int count, string late);
}
