using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Hosting;

namespace OrleansSocket.Tests.Sessions;

/// <summary>
/// What a gateway's drain reads (<see cref="Gateway.Sessions.SocketIOServer.WaitUntilDrainedAsync"/>, then
/// <see cref="Gateway.Sessions.SocketIOServer.ClosedWhileStopping"/>): it ends once the socket table is empty and no
/// close is outstanding, so a socket must never leave the table before its close is counted. On SIGTERM the Engine.IO
/// endpoint closes the sessions on one thread while the drain polls on another: a socket that left the table before its
/// close was counted let the drain end early and log "drained 0 sockets" (SigtermDrainsAGateway, 2 runs in 7).
/// </summary>
public sealed class DrainCountTests
{
    [Theory]
    [InlineData("transport")] // the connection closed (what the host's shutdown does to every session)
    [InlineData("client")]    // the client's DISCONNECT of the namespace
    public async Task A_socket_leaves_the_table_only_once_its_close_is_counted(string how)
    {
        using var services = new ServiceCollection().AddMetrics().AddSingleton<SocketIOMeters>().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var stopping = new CancellationTokenSource();
        var h = new SessionHarness(new SocketIOOptions(), lifetime: new Lifetime(stopping.Token), meters: services.GetRequiredService<SocketIOMeters>());
        h.Receive("0");
        Assert.True(SpinWait.SpinUntil(() => h.Server.IsQuiet && h.Server.SocketCount == 1, TimeSpan.FromSeconds(5)), "the socket never connected");

        // The moment the socket leaves the table (the active-sockets gauge goes down, on the closing thread): what a
        // drain looking then would count.
        var countedWhenRemoved = new List<int>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name == SocketIOInstrumentation.ActiveSockets) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            if (value < 0) lock (countedWhenRemoved) countedWhenRemoved.Add(h.Server.ClosedWhileStopping);
        });
        listener.Start();

        await stopping.CancelAsync();
        if (how == "transport") h.Session.OnClose(EngineCloseReason.ForcedClose);
        else h.Receive("1");

        Assert.Equal([1], countedWhenRemoved);
        Assert.True(await h.Server.WaitUntilDrainedAsync(TimeSpan.FromSeconds(5), CancellationToken.None), "the socket's grain was never told");
        Assert.Equal(1, h.Server.ClosedWhileStopping);
        Assert.Single(h.Disconnects);
    }

    private sealed class Lifetime(CancellationToken stopping) : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => stopping;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() => throw new NotSupportedException();
    }
}
