using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// No sticky sessions: two gateways of one cluster behind a round-robin proxy without affinity
/// (Tests/clients/round-robin-proxy.js), so that one session's requests alternate between the gateways.
/// </summary>
[Collection(TwoGatewayClusterCollection.Name)]
public sealed class NoStickySessionTests(TwoGatewayClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(90);

    /// <summary>socket.io-client 4.x, polling only: connect, emit, receive, acks, many round trips; both gateways served GETs and POSTs of the session.</summary>
    [Fact]
    public Task PollingOnly_ThroughRoundRobinProxy() => RunNoStickyAsync("polling");

    /// <summary>The same client with the upgrade: once with the WebSocket on the handshake's gateway, once on the other.</summary>
    [Fact]
    public Task Upgrade_ThroughRoundRobinProxy() => RunNoStickyAsync("upgrade");

    /// <summary>The standard client scenario (Tests/clients/client.js) through the proxy, EIO 4 and EIO 3 (binary payloads).</summary>
    [Theory]
    [InlineData(4, "polling")]
    [InlineData(4, "upgrade")]
    [InlineData(2, "polling")]
    public async Task OfficialClientScenario_ThroughRoundRobinProxy(int version, string mode)
    {
        E2eEnvironment.RequireNodeModules();
        cluster.EnsureStarted();
        var proxyPort = FreePort();
        using var proxy = StartProxy(proxyPort, out var proxyOutput);
        try
        {
            // (killed in finally, also when the test fails)
            await WaitForPortAsync(proxyPort, proxy);
            var result = await ExternalProcess.RunAsync("node", ["client.js", version.ToString(), mode, $"http://127.0.0.1:{proxyPort}", "60000"],
                E2eEnvironment.ClientsDir, ClientTimeout);
            Check(result);
            // Requests of one session went to both gateways.
            var bySid = proxyOutput.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(line => line.StartsWith('{'))
                .Select(line => JsonDocument.Parse(line).RootElement)
                .Where(e => e.GetProperty("sid").ValueKind == JsonValueKind.String)
                .GroupBy(e => e.GetProperty("sid").GetString()!)
                .ToDictionary(g => g.Key, g => g.Select(e => e.GetProperty("backend").GetInt32()).Distinct().Count());
            Assert.Contains(bySid.Values, backends => backends == 2);
        }
        finally
        {
            ExternalProcess.KillTree(proxy);
            proxy.WaitForExit(5000);
        }
    }

    [Fact]
    public async Task UnknownSession_Is400Code1FromEitherGateway()
    {
        cluster.EnsureStarted();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var gateways = new[] { cluster.GatewayA, cluster.GatewayB };
        var tags = new List<string>();
        foreach (var gateway in gateways) tags.Add((await OpenAsync(http, gateway))[..8]);

        // No such tag; each gateway's tag with a random rest (asked at the other gateway: relayed, and answered by the owner).
        string[] sids = ["ZZZZZZZZ" + RandomRest(), tags[0] + RandomRest(), tags[1] + RandomRest(), "short"];
        foreach (var gateway in gateways)
        {
            foreach (var sid in sids)
            {
                var url = $"{gateway}/socket.io/?EIO=4&transport=polling&sid={sid}";
                using (var get = await http.GetAsync(url))
                    await AssertUnknownAsync(get, $"GET {url}");
                using (var post = await http.PostAsync(url, new StringContent("40", Encoding.UTF8, "text/plain")))
                    await AssertUnknownAsync(post, $"POST {url}");

                using var socket = new ClientWebSocket();
                socket.Options.CollectHttpResponseDetails = true;
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                var ws = new Uri($"ws{gateway[4..]}/socket.io/?EIO=4&transport=websocket&sid={sid}");
                await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(ws, cts.Token));
                Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
            }
        }

        static async Task AssertUnknownAsync(HttpResponseMessage response, string what)
        {
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: HTTP {(int)response.StatusCode}");
            Assert.Equal("""{"code":1,"message":"Session ID unknown"}""", await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>
    /// What relaying costs: a POST (noop packet) to the session's own gateway vs to the other one, interleaved;
    /// a message echoed through the bare Engine.IO endpoint (POST then GET) on either; and the same echo over a WebSocket
    /// connected to the session's gateway vs relayed by the other. Logged, not asserted.
    /// </summary>
    [Fact]
    public async Task ForwardedPollOverhead_IsMeasured()
    {
        cluster.EnsureStarted();
        using var handler = new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15) };
        const int rounds = 300;

        var sid = await OpenAsync(http, cluster.GatewayA);
        var noop = new Dictionary<string, List<double>> { ["local"] = [], ["forwarded"] = [] };
        for (var i = 0; i < rounds + 20; i++)
        {
            foreach (var (name, gateway) in new[] { ("local", cluster.GatewayA), ("forwarded", cluster.GatewayB) })
            {
                var clock = Stopwatch.StartNew();
                using var response = await http.PostAsync($"{gateway}/socket.io/?EIO=4&transport=polling&sid={sid}", new StringContent("6"));
                var elapsed = clock.Elapsed.TotalMilliseconds;
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                if (i >= 20) noop[name].Add(elapsed); // the first rounds warm up (JIT, connections)
            }
        }

        var echoSid = await OpenAsync(http, cluster.GatewayA, "/engine.io/");
        var echo = new Dictionary<string, List<double>> { ["local"] = [], ["forwarded"] = [] };
        for (var i = 0; i < rounds + 20; i++)
        {
            foreach (var (name, gateway) in new[] { ("local", cluster.GatewayA), ("forwarded", cluster.GatewayB) })
            {
                var url = $"{gateway}/engine.io/?EIO=4&transport=polling&sid={echoSid}";
                var clock = Stopwatch.StartNew();
                using (var post = await http.PostAsync(url, new StringContent($"4m{i}")))
                    Assert.Equal(HttpStatusCode.OK, post.StatusCode);
                string body;
                do
                {
                    using var get = await http.GetAsync(url);
                    Assert.Equal(HttpStatusCode.OK, get.StatusCode);
                    body = await get.Content.ReadAsStringAsync();
                    if (body.Contains('2') && !body.Contains($"4m{i}"))
                    {
                        using var pong = await http.PostAsync(url, new StringContent("3"));
                    }
                } while (!body.Contains($"4m{i}"));
                var elapsed = clock.Elapsed.TotalMilliseconds;
                if (i >= 20) echo[name].Add(elapsed);
            }
        }

        // A WebSocket (upgraded from polling) to the session's gateway vs one relayed by the other gateway.
        var webSocket = new Dictionary<string, List<double>> { ["local"] = [], ["forwarded"] = [] };
        foreach (var (name, gateway) in new[] { ("local", cluster.GatewayA), ("forwarded", cluster.GatewayB) })
        {
            var wsSid = await OpenAsync(http, cluster.GatewayA, "/engine.io/");
            using var socket = new ClientWebSocket();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await socket.ConnectAsync(new Uri($"ws{gateway[4..]}/engine.io/?EIO=4&transport=websocket&sid={wsSid}"), cts.Token);
            await SendAsync(socket, "2probe", cts.Token);
            Assert.Equal("3probe", await ReceiveAsync(socket, cts.Token));
            await SendAsync(socket, "5", cts.Token);
            for (var i = 0; i < rounds + 20; i++)
            {
                var clock = Stopwatch.StartNew();
                await SendAsync(socket, $"4m{i}", cts.Token);
                string text;
                while ((text = await ReceiveAsync(socket, cts.Token)) != $"4m{i}")
                    if (text == "2") await SendAsync(socket, "3", cts.Token); // the heartbeat
                if (i >= 20) webSocket[name].Add(clock.Elapsed.TotalMilliseconds);
            }
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        }

        foreach (var (what, samples) in new[] { ("POST noop", noop), ("echo POST+GET", echo), ("echo WebSocket", webSocket) })
            foreach (var (name, times) in samples)
                output.WriteLine($"{what,-14} {name,-9} n={times.Count} p50 {Percentile(times, 50):F3} ms  p90 {Percentile(times, 90):F3} ms  p99 {Percentile(times, 99):F3} ms");
    }

    // ---------------- helpers ----------------

    private static Task SendAsync(WebSocket socket, string text, CancellationToken token) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, token);

    private static async Task<string> ReceiveAsync(WebSocket socket, CancellationToken token)
    {
        var buffer = new byte[4096];
        var result = await socket.ReceiveAsync(buffer, token);
        Assert.True(result.EndOfMessage && result.MessageType == WebSocketMessageType.Text, $"unexpected {result.MessageType} frame");
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    private async Task RunNoStickyAsync(string mode)
    {
        E2eEnvironment.RequireNodeModules();
        cluster.EnsureStarted();
        var result = await ExternalProcess.RunAsync("node", ["no-sticky.js", mode, cluster.GatewayA, cluster.GatewayB, "60000"],
            E2eEnvironment.ClientsDir, ClientTimeout);
        Check(result);
    }

    private void Check(ProcessResult result)
    {
        output.WriteLine(result.Describe());
        if (!result.Succeeded) Assert.Fail($"{result.Describe()}\n{cluster.Describe()}");
    }

    /// <summary>The proxy as its own process (client.js takes a URL): one JSON line per request on stdout.</summary>
    private Process StartProxy(int port, out OutputBuffer proxyOutput)
    {
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = E2eEnvironment.ClientsDir,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "round-robin-proxy.js", port.ToString(), cluster.GatewayA, cluster.GatewayB })
            startInfo.ArgumentList.Add(argument);
        var buffer = new OutputBuffer();
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => buffer.Append(e.Data);
        process.ErrorDataReceived += (_, e) => buffer.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        proxyOutput = buffer;
        return process;
    }

    private static async Task WaitForPortAsync(int port, Process process)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(process.HasExited, "the proxy exited");
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task<string> OpenAsync(HttpClient http, string gateway, string path = "/socket.io/")
    {
        var text = await http.GetStringAsync($"{gateway}{path}?EIO=4&transport=polling");
        using var json = JsonDocument.Parse(text[1..]);
        return json.RootElement.GetProperty("sid").GetString()!;
    }

    private static string RandomRest() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(15));

    private static double Percentile(List<double> samples, int percentile)
    {
        var sorted = samples.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, sorted.Length * percentile / 100)];
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
