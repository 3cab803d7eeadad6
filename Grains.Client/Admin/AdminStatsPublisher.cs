using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansSocket.Grains.Admin;

/// <summary>
/// Sends this gateway's <c>server_stats</c> to the admin namespace every <see cref="AdminUIOptions.ServerStatsInterval"/>,
/// through the cluster adapter: every Admin UI, on whichever gateway it is connected, lists every gateway as a server.
/// Does nothing in a process without a gateway (a silo).
/// </summary>
internal sealed class AdminStatsPublisher(IServiceProvider services, IOptions<AdminUIOptions> options, TimeProvider time,
    ILogger<AdminStatsPublisher> logger) : BackgroundService
{
    private readonly AdminUIOptions _options = options.Value;
    private readonly long _started = time.GetTimestamp();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<IAdminServerStats>() is not { } source) return;
        var admin = services.GetRequiredService<ISocketIO>().Of(_options.Namespace);
        var serverId = _options.ServerId ?? $"{Environment.MachineName}#{source.GatewayId}";
        using var timer = new PeriodicTimer(_options.ServerStatsInterval, time);
        var sent = false;
        do
        {
            try
            {
                await admin.EmitAsync("server_stats", Stats(serverId, source.TakeSnapshot()));
                sent = true;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Until the first send the cluster may still be starting (a co-hosted silo, a client's first connection).
                if (sent) AdminUILog.StatsFailed(logger, serverId, ex);
                else AdminUILog.StatsNotYet(logger, serverId, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    internal AdminServerStats Stats(string serverId, AdminNodeSnapshot snapshot)
    {
        using var process = Process.GetCurrentProcess();
        return new AdminServerStats(serverId, Environment.MachineName, Environment.ProcessId, time.GetElapsedTime(_started).TotalSeconds,
            snapshot.ClientsCount, snapshot.PollingClientsCount, snapshot.Events, snapshot.Namespaces,
            new AdminMemoryUsage(process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false)));
    }
}
