using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using OrleansSocket.Gateway.Health;
using OrleansSocket.Gateway.Hosting;

namespace OrleansSocket.Gateway.WarmUp;

/// <summary>
/// Runs the start-up warm-up (<see cref="WarmUpOptions"/>) once the host has started: rounds of loopback connections
/// (<see cref="WarmUpClient"/>) until the compilers settle (<see cref="WarmUpLoop"/>). The readiness check reports
/// "warming up" from the host's start until it ends, however it ends.
/// </summary>
internal sealed class GatewayWarmUp(IOptions<SocketIOOptions> options, IServer server, IHostApplicationLifetime lifetime,
    GatewayReadiness readiness, TimeProvider time, ILogger<GatewayWarmUp> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.WarmUp.Enabled) readiness.WarmingUp(true);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var warmUp = options.Value.WarmUp;
        if (!warmUp.Enabled) return;
        try
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
                await started.Task.WaitAsync(stoppingToken);
            if (Endpoint(server, options.Value.Path) is not { } endpoint)
            {
                WarmUpLog.Skipped(logger, "no TCP address is bound");
                return;
            }
            WarmUpLog.Started(logger, warmUp.ConnectionsPerRound, warmUp.EventsPerConnection, warmUp.Connections, endpoint.ToString());
            var loop = new WarmUpLoop(warmUp, time, static () => System.Runtime.JitInfo.GetCompiledMethodCount());
            var result = await loop.RunAsync(
                ct => WarmUpClient.RunRoundAsync(endpoint, warmUp.Connections, warmUp.ConnectionsPerRound, warmUp.EventsPerConnection, ct),
                e => WarmUpLog.RoundFailed(logger, e.Message), stoppingToken);
            if (result.Rounds == 0 && result.LastFailure is { } failure)
                WarmUpLog.NoRound(logger, result.Elapsed.TotalMilliseconds, failure);
            else
                WarmUpLog.Finished(logger, result.End, result.Rounds, result.Events, result.Elapsed.TotalMilliseconds, result.Processes, result.LocalMethods);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host stopped before it had started: nothing to warm.
        }
        finally
        {
            readiness.WarmingUp(false);
        }
    }

    /// <summary>
    /// Where the warm-up connects: the first TCP address Kestrel bound, plain HTTP preferred, its host replaced by
    /// loopback; null when none is bound (Unix sockets only).
    /// </summary>
    internal static Uri? Endpoint(IServer server, string path)
    {
        var bindings = Membership.AdvertisedAddress.TcpBindings(server).ToList();
        var binding = bindings.FirstOrDefault(b => b.Scheme == "http") ?? bindings.FirstOrDefault();
        if (binding is null) return null;
        var host = binding.Host is "[::1]" or "::1" ? "[::1]" : "127.0.0.1";
        var scheme = binding.Scheme == "https" ? "wss" : "ws";
        return new Uri($"{scheme}://{host}:{binding.Port}{path}?EIO=4&transport=websocket");
    }
}
