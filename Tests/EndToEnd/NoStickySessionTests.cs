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
        var proxyPort = E2eEnvironment.FreePort();
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
    /// What relaying costs, for one session held by gateway A: a POST (noop packet) sent to A vs to B; a message echoed
    /// through the bare Engine.IO endpoint (POST, then the GET that returns it) via A vs via B; the same echo over a
    /// WebSocket connected to A vs relayed by B. Local and relayed alternate round by round (the machine's load
    /// moves both alike); after a warm-up, percentiles of each and the median of the paired differences are logged,
    /// not asserted.
    /// </summary>
    [Fact]
    public async Task ForwardedPollOverhead_IsMeasured()
    {
        cluster.EnsureStarted();
        using var handler = new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15) };
        const int warmUp = 100, rounds = 400;
        var (a, b) = (cluster.GatewayA, cluster.GatewayB);

        var sid = await OpenAsync(http, a);
        await MeasureAsync("POST noop", async gateway =>
        {
            using var response = await http.PostAsync($"{gateway}/socket.io/?EIO=4&transport=polling&sid={sid}", new StringContent("6"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });

        var echoSid = await OpenAsync(http, a, "/engine.io/");
        var n = 0;
        await MeasureAsync("echo POST+GET", async gateway =>
        {
            var url = $"{gateway}/engine.io/?EIO=4&transport=polling&sid={echoSid}";
            var message = $"4m{n++}";
            using (var post = await http.PostAsync(url, new StringContent(message)))
                Assert.Equal(HttpStatusCode.OK, post.StatusCode);
            while (true)
            {
                using var get = await http.GetAsync(url);
                Assert.Equal(HttpStatusCode.OK, get.StatusCode);
                var body = await get.Content.ReadAsStringAsync();
                if (body.Contains(message)) return;
                if (body.Contains('2'))
                {
                    using var pong = await http.PostAsync(url, new StringContent("3")); // the heartbeat
                }
            }
        });

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var sockets = new Dictionary<string, ClientWebSocket>();
        foreach (var gateway in new[] { a, b })
        {
            var wsSid = await OpenAsync(http, a, "/engine.io/");
            var socket = sockets[gateway] = new ClientWebSocket();
            await socket.ConnectAsync(new Uri($"ws{gateway[4..]}/engine.io/?EIO=4&transport=websocket&sid={wsSid}"), cts.Token);
            await SendAsync(socket, "2probe", cts.Token);
            Assert.Equal("3probe", await ReceiveAsync(socket, cts.Token));
            await SendAsync(socket, "5", cts.Token);
        }
        await MeasureAsync("echo WebSocket", async gateway =>
        {
            var socket = sockets[gateway];
            var message = $"4m{n++}";
            await SendAsync(socket, message, cts.Token);
            string text;
            while ((text = await ReceiveAsync(socket, cts.Token)) != message)
                if (text == "2") await SendAsync(socket, "3", cts.Token); // the heartbeat
        });
        foreach (var socket in sockets.Values)
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            socket.Dispose();
        }

        async Task MeasureAsync(string what, Func<string, Task> operation)
        {
            var local = new List<double>();
            var relayed = new List<double>();
            var differences = new List<double>();
            for (var i = 0; i < warmUp + rounds; i++)
            {
                var pair = new double[2];
                foreach (var which in i % 2 == 0 ? new[] { 0, 1 } : [1, 0])
                {
                    var clock = Stopwatch.StartNew();
                    await operation(which == 0 ? a : b);
                    pair[which] = clock.Elapsed.TotalMilliseconds;
                }
                if (i < warmUp) continue;
                local.Add(pair[0]);
                relayed.Add(pair[1]);
                differences.Add(pair[1] - pair[0]);
            }
            output.WriteLine($"{what,-14} local   p50 {Percentile(local, 50):F3}  p90 {Percentile(local, 90):F3}  p99 {Percentile(local, 99):F3} ms (n={rounds})");
            output.WriteLine($"{what,-14} relayed p50 {Percentile(relayed, 50):F3}  p90 {Percentile(relayed, 90):F3}  p99 {Percentile(relayed, 99):F3} ms; relayed - local, median of pairs: {Percentile(differences, 50):F3} ms");
        }
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
}
