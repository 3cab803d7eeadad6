using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansSocket.TestHosts;

/// <summary>
/// Emitting from outside a handler: a hosted service that sends <c>tick</c> (n) to the room
/// <c>ticker</c> every <see cref="Interval"/> through the injected <see cref="ISocketIO"/>
/// (Flask-SocketIO's background task calling <c>socketio.emit</c>). Runs in any process that has
/// <c>AddSocketIO()</c>, <c>AddSocketIOGrains()</c> or <c>AddSocketIOClient()</c>; the test gateway
/// (Tests/Hosts/TestGateway) adds it with the <c>api</c> profile.
/// </summary>
public sealed class PeriodicTicker(ISocketIO io, ILogger<PeriodicTicker> logger) : BackgroundService
{
    public const string Room = "ticker";
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var n = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await io.To(Room).EmitAsync("tick", ++n);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // e.g. the co-hosted silo is still starting: the next tick tries again
                logger.LogDebug(e, "tick {N} not sent", n);
            }
        }
    }
}
