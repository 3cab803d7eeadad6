using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The Orleans Dashboard on a silo host (Tests/Hosts/TestSilo, as Silo/): served at /dashboard/ with
/// <c>Orleans:Dashboard:Enabled=true</c>, showing this silo; absent by default.
/// </summary>
public sealed class OrleansDashboardTests
{
    [Fact]
    public async Task TheDashboardServesWhenEnabled()
    {
        await using var silo = await SiloProcess.StartAsync("--Orleans:Dashboard:Enabled=true");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        var page = await http.GetAsync(silo.Url + "/dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>Orleans Dashboard</title>", await page.Content.ReadAsStringAsync());

        // Its data: the cluster's silos, this one among them (its silo port in its address), once the dashboard has
        // collected its first counters (every Orleans:Dashboard:CounterUpdateIntervalMs, 1 s by default).
        JsonArray hosts = [];
        var waited = Stopwatch.StartNew();
        while (hosts.Count == 0 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(250);
            hosts = JsonNode.Parse(await http.GetStringAsync(silo.Url + "/dashboard/DashboardCounters"))!["hosts"]!.AsArray();
        }
        Assert.Contains(hosts, h => h!["siloAddress"]!.GetValue<string>().StartsWith($"127.0.0.1:{silo.SiloPort}@"));
    }

    [Fact]
    public async Task TheDashboardIsOffByDefault()
    {
        await using var silo = await SiloProcess.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(silo.Url + "/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(silo.Url + "/health/ready")).StatusCode);
    }

    /// <summary>A TestSilo alone (localhost clustering, free ports), ready once /health/ready answers 200.</summary>
    private sealed class SiloProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly OutputBuffer _output = new();

        private SiloProcess(Process process, string url, int siloPort)
        {
            _process = process;
            Url = url;
            SiloPort = siloPort;
        }

        public string Url { get; }
        public int SiloPort { get; }

        public static async Task<SiloProcess> StartAsync(params string[] extra)
        {
            if (!File.Exists(E2eEnvironment.TestSiloDll))
                Assert.Fail($"{E2eEnvironment.TestSiloDll} not found: build first (dotnet build OrleansSocket.sln -c Release)");
            var (siloPort, gatewayPort, httpPort) = (E2eEnvironment.FreePort(), E2eEnvironment.FreePort(), E2eEnvironment.FreePort());
            var startInfo = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = E2eEnvironment.TestSiloDir,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in (string[])[E2eEnvironment.TestSiloDll, "--profile", "api", $"--Cluster:SiloPort={siloPort}",
                         $"--Cluster:GatewayPort={gatewayPort}", "--Cluster:ClusterId=dashboard-" + Guid.NewGuid().ToString("N")[..8],
                         "--urls", $"http://127.0.0.1:{httpPort}", .. extra])
                startInfo.ArgumentList.Add(argument);
            var process = Process.Start(startInfo)!;
            var silo = new SiloProcess(process, $"http://127.0.0.1:{httpPort}", siloPort);
            process.OutputDataReceived += (_, e) => { silo._output.Append(e.Data); };
            process.ErrorDataReceived += (_, e) => { silo._output.Append(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var started = Stopwatch.StartNew();
            while (started.Elapsed < TimeSpan.FromSeconds(90))
            {
                if (process.HasExited) break;
                try
                {
                    if ((await http.GetAsync(silo.Url + "/health/ready")).StatusCode == HttpStatusCode.OK) return silo;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // not listening yet
                }
                await Task.Delay(250);
            }
            await silo.DisposeAsync();
            Assert.Fail($"the silo did not become ready:\n{silo._output.Tail(6000)}");
            return silo;
        }

        public async ValueTask DisposeAsync()
        {
            ExternalProcess.KillTree(_process);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
