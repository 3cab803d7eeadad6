using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Gateway.Admin;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Sessions;
using OrleansSocket.Grains.Admin;
using OrleansSocket.Tests.Sessions;

namespace OrleansSocket.Tests.Admin;

/// <summary>
/// A gateway's aggregated events as Node's <c>instrument()</c> sends them, read from the gateway's own instruments:
/// a packet and its bytes for each Engine.IO message in and out, connections opened, and closed with their reason.
/// </summary>
public sealed class GatewayAdminStatsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddSingleton<SocketIOMeters>().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Each_message_in_and_out_is_a_packet_with_its_bytes_per_second()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var server = new SocketIOServer(Fake<IGrainFactory>.Create(new()), Options.Create(new SocketIOOptions()), NullLoggerFactory.Instance);
        using var stats = new GatewayAdminStats(server, time, _services.GetRequiredService<IMeterFactory>());
        var meters = _services.GetRequiredService<SocketIOMeters>();

        meters.ConnectionOpened("polling", 4);
        meters.BytesReceived(10);
        meters.BytesSent(5);
        meters.BytesSent(7);
        time.Advance(TimeSpan.FromSeconds(1));
        meters.BytesReceived(3);

        var second = time.GetUtcNow().ToUnixTimeMilliseconds();
        var events = stats.TakeSnapshot().Events.Select(e => (e.Timestamp, e.Type, e.Count)).ToList();
        Assert.Equal(
        [
            (second - 1000, "rawConnection", 1), (second - 1000, "packetsIn", 1), (second - 1000, "bytesIn", 10),
            (second - 1000, "packetsOut", 2), (second - 1000, "bytesOut", 12),
            (second, "packetsIn", 1), (second, "bytesIn", 3),
        ], events.OrderBy(e => e.Timestamp).ThenBy(e => Order(e.Type)).ToList());
        Assert.Empty(stats.TakeSnapshot().Events);
    }

    [Fact]
    public void A_closed_connection_is_a_disconnection_with_its_reason()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(7_000));
        var harness = new SessionHarness(new SocketIOOptions());
        using var stats = new GatewayAdminStats(harness.Server, time);

        harness.Session.OnClose(EngineCloseReason.PingTimeout);

        Assert.Equal([new AdminAggregatedEvent(7_000, "rawDisconnection", "ping timeout", 1)], stats.TakeSnapshot().Events);
    }

    private static int Order(string type) => Array.IndexOf(["rawConnection", "packetsIn", "bytesIn", "packetsOut", "bytesOut"], type);
}
