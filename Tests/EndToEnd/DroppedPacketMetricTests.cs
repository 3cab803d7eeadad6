using System.Net;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The test gateway's api profile with the default heartbeat (25 s / 20 s), so that a client that does not read for
/// a few seconds is not closed for a missing pong meanwhile; its <c>GET /metrics</c> is OpenTelemetry's Prometheus exporter.
/// </summary>
public sealed class DroppedPacketServerFixture : ServerFixture
{
    protected override string? Profile => "api";

    protected override IReadOnlyList<string> ExtraArguments =>
        ["--SocketIO:Engine:PingInterval", "25000", "--SocketIO:Engine:PingTimeout", "20000"];
}

/// <summary>
/// <c>socketio.server.packets.dropped</c> read through the real exporter: a long-polling client that connects and
/// then does not read (no GET poll held, so its transport cannot write, as Node's "not writable") asks for
/// volatile events, which the gateway drops and counts as <c>socketio_drop_reason="volatile"</c>; reading
/// afterwards, the client finds its CONNECT answer and its ack, queued as every non-volatile packet, but none of them.
/// </summary>
public sealed class DroppedPacketMetricTests(DroppedPacketServerFixture server, ITestOutputHelper output) : IClassFixture<DroppedPacketServerFixture>
{
    private const int Volatiles = 5;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static long VolatileDrops(string metrics) => metrics.Split('\n')
        .Where(l => l.StartsWith("socketio_server_packets_dropped_total{", StringComparison.Ordinal)
            && l.Contains("socketio_drop_reason=\"volatile\"", StringComparison.Ordinal))
        .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..]));

    private async Task<string> MetricsAsync()
    {
        using var response = await Http.GetAsync($"{server.BaseUrl}/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task PostAsync(string url, string packet)
    {
        using var response = await Http.PostAsync(url, new StringContent(packet, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Volatile_events_to_a_client_that_does_not_read_are_dropped_and_counted()
    {
        server.EnsureStarted();
        var before = VolatileDrops(await MetricsAsync());

        var open = await Http.GetStringAsync($"{server.BaseUrl}/socket.io/?EIO=4&transport=polling");
        Assert.StartsWith("0{", open);
        var sid = JsonDocument.Parse(open[1..]).RootElement.GetProperty("sid").GetString()!;
        var session = $"{server.BaseUrl}/socket.io/?EIO=4&transport=polling&sid={sid}";
        await PostAsync(session, "40");
        // `volatile` n: the server emits `vol` to this socket n times with Volatile, then acks n (ack id 1).
        await PostAsync(session, $"421[\"volatile\",{Volatiles}]");

        // The exporter caches a scrape's answer for a moment (300 ms by default): ask until the count moves and settles.
        var after = before;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (after < before + Volatiles && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            after = VolatileDrops(await MetricsAsync());
        }
        output.WriteLine($"socketio_server_packets_dropped_total{{socketio_drop_reason=\"volatile\"}}: {before} -> {after}");
        Assert.Equal(before + Volatiles, after);

        // Now reading: what was queued for the client (the CONNECT answer, the ack) is there; the volatile events are not.
        // The ack follows the handler's last 20-ms wait, which may end after the count was read: a held poll returns it.
        var queued = await Http.GetStringAsync(session);
        while (!queued.Contains($"431[{Volatiles}]", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            queued += "\u001e" + await Http.GetStringAsync(session);
        output.WriteLine($"the client reads afterwards: {queued}");
        Assert.Contains("40{\"sid\":", queued);
        Assert.Contains($"431[{Volatiles}]", queued);
        Assert.DoesNotContain("\"vol\"", queued);
        await Task.Delay(500); // a scrape cached before the GET would hide a late drop
        Assert.Equal(before + Volatiles, VolatileDrops(await MetricsAsync()));
    }
}
