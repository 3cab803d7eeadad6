using System.Net;
using System.Text.Json.Nodes;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The demo gateway (Gateway/Host) exports its metrics in Prometheus text at <c>/metrics</c> (OpenTelemetry's Prometheus
/// exporter), the JSON totals at <c>/metrics/json</c>, and answers its health probes.
/// </summary>
[Collection(DemoServerCollection.Name)]
public sealed class DemoMetricsTests(DemoServerFixture server)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task MetricsArePrometheusTextAndIncludeAnOpenConnection()
    {
        server.EnsureStarted();
        // An Engine.IO session held open (long-polling handshake, no close): one active polling connection at least.
        using var handshake = await Http.GetAsync($"{server.BaseUrl}/socket.io/?EIO=4&transport=polling");
        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);

        using var response = await Http.GetAsync($"{server.BaseUrl}/metrics");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE socketio_server_active_connections gauge", body);
        var line = Assert.Single(body.Split('\n'), l => l.StartsWith("socketio_server_active_connections{") && l.Contains("socketio_transport=\"polling\""));
        Assert.True(long.Parse(line[(line.LastIndexOf(' ') + 1)..]) >= 1, line);

        var json = JsonNode.Parse(await Http.GetStringAsync($"{server.BaseUrl}/metrics/json"))!;
        Assert.NotNull(json["counters"]!["socketio.server.broadcast.deliveries"]);
    }

    [Fact]
    public async Task EngineIOErrorsAreCountedByCode()
    {
        server.EnsureStarted();
        long Count(string metrics) => metrics.Split('\n')
            .Where(l => l.StartsWith("socketio_server_engineio_errors_total{") && l.Contains("socketio_engineio_error_code=\"0\""))
            .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..]));
        var before = Count(await Http.GetStringAsync($"{server.BaseUrl}/metrics"));
        using var refused = await Http.GetAsync($"{server.BaseUrl}/socket.io/?EIO=4&transport=carrier-pigeon");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("\"code\":0", await refused.Content.ReadAsStringAsync()); // Transport unknown
        // The exporter caches a scrape's answer for a moment (300 ms by default): ask until a fresh one comes.
        var after = before;
        for (var i = 0; i < 50 && after == before; i++)
        {
            await Task.Delay(100);
            after = Count(await Http.GetStringAsync($"{server.BaseUrl}/metrics"));
        }
        Assert.Equal(before + 1, after);
    }

    [Fact]
    public async Task TheHealthProbesAnswer()
    {
        server.EnsureStarted();
        Assert.Equal("Healthy", await Http.GetStringAsync($"{server.BaseUrl}/health/live"));
        Assert.Equal("Healthy", await Http.GetStringAsync($"{server.BaseUrl}/health/ready"));
    }
}
