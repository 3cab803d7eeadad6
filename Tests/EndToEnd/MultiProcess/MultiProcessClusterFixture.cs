using Microsoft.Extensions.Configuration;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansSocket.Tests.EndToEnd;

namespace OrleansSocket.Tests.Cluster;

/// <summary>
/// A distributed deployment on loopback, as separate processes: <c>redis-server</c> on a free port (membership),
/// two test silo processes and two test gateway processes in client mode (Tests/Hosts, Release dlls, <c>--profile cluster</c>,
/// connection state recovery on),
/// plus an Orleans client in the test process with <see cref="ISocketIO"/> (the external emitter).
/// Every process is killed with its tree at the end; a watchdog shell kills them too should the test host die.
/// Killed processes can be started again (same ports) with <see cref="EnsureAllRunningAsync"/>.
/// <see cref="CoHosted"/> gives the other cluster shape: no silo processes, each gateway also a silo.
/// </summary>
public class MultiProcessClusterFixture : IAsyncLifetime
{
    /// <summary>Whether each gateway co-hosts a silo (no silo processes) instead of being a client of two silos.</summary>
    protected virtual bool CoHosted => false;

    /// <summary>More command-line settings for the gateway processes.</summary>
    protected virtual string[] GatewayArgs => [];

    /// <summary>More command-line settings for the silo processes.</summary>
    protected virtual string[] SiloArgs => [];

    /// <summary>The gateways' lease in the tests (the default is 10 s): the bound a dead gateway's sockets are dropped in.</summary>
    public static readonly TimeSpan GatewayLease = TimeSpan.FromSeconds(5);

    private readonly string _clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<ClusterProcess> _all = [];
    private readonly string _pidFile = Path.Combine(Path.GetTempPath(), $"orleanssocket-cluster-{Environment.ProcessId}-{Guid.NewGuid():N}.pids");
    private Process? _watchdog;
    private IHost? _clientHost;
    private string? _startError;

    public int RedisPort { get; private set; }
    public ClusterProcess Redis { get; private set; } = null!;
    public ClusterProcess[] Silos { get; private set; } = [];
    public ClusterProcess[] Gateways { get; private set; } = [];
    public string[] GatewayUrls => [.. Gateways.Select(g => g.Url!)];
    public TimeSpan StartupTime { get; private set; }

    /// <summary>The external emitter: an Orleans client in the test process.</summary>
    public ISocketIO Emitter => _clientHost!.Services.GetRequiredService<ISocketIO>();
    public IGrainFactory Grains => _clientHost!.Services.GetRequiredService<IGrainFactory>();

    public void EnsureStarted()
    {
        if (_startError is not null) Assert.Fail(_startError);
    }

    public async Task InitializeAsync()
    {
        var started = Stopwatch.StartNew();
        try
        {
            RequireFile(E2eEnvironment.TestGatewayDll);
            RequireFile(SiloDll);
            RequireFile(RedisServer);
            StartWatchdog();

            RedisPort = E2eEnvironment.FreePort();
            Redis = Track(new ClusterProcess("redis", RedisServer, E2eEnvironment.RepoRoot,
                ["--port", RedisPort.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], readyPort: RedisPort));
            await Redis.StartAsync(this);

            Silos = CoHosted ? [] : [.. Enumerable.Range(1, 2).Select(i =>
            {
                var (siloPort, gatewayPort, healthPort) = (E2eEnvironment.FreePort(), E2eEnvironment.FreePort(), E2eEnvironment.FreePort());
                return Track(new ClusterProcess($"silo{i}", "dotnet", E2eEnvironment.TestSiloDir,
                    [SiloDll, "--profile", "cluster", .. ClusterArgs, $"--Cluster:SiloPort={siloPort}", $"--Cluster:GatewayPort={gatewayPort}", .. SiloArgs,
                     "--urls", $"http://127.0.0.1:{healthPort}"],
                    readyPort: gatewayPort) { SiloPort = siloPort, HealthUrl = $"http://127.0.0.1:{healthPort}" });
            })];
            await Task.WhenAll(Silos.Select(s => s.StartAsync(this)));

            Gateways = [.. Enumerable.Range(1, 2).Select(i =>
            {
                var port = E2eEnvironment.FreePort();
                var (siloPort, gatewayPort) = (E2eEnvironment.FreePort(), E2eEnvironment.FreePort());
                string[] shape = CoHosted ? [$"--Cluster:SiloPort={siloPort}", $"--Cluster:GatewayPort={gatewayPort}"] : ["--Cluster:Mode=Client"];
                return Track(new ClusterProcess($"gateway{i}", "dotnet", E2eEnvironment.TestGatewayDir,
                    [E2eEnvironment.TestGatewayDll, "--profile", "cluster", .. shape, .. ClusterArgs, .. GatewayArgs,
                     $"--Cluster:GatewayLease={GatewayLease}", "--urls", $"http://127.0.0.1:{port}"],
                    readyUrl: $"http://127.0.0.1:{port}") { SiloPort = CoHosted ? siloPort : null });
            })];
            await Task.WhenAll([.. Gateways.Select(g => g.StartAsync(this)), StartClientAsync()]);
            await WaitUntilSettledAsync();
            StartupTime = started.Elapsed;
        }
        catch (Exception e)
        {
            _startError = $"the cluster did not start: {e.Message}\n{DescribeAll()}";
        }
    }

    /// <summary>Starts again whatever a test killed or stopped (same ports), and waits until it is up.</summary>
    public async Task EnsureAllRunningAsync()
    {
        EnsureStarted();
        var silos = Silos.Where(s => !s.IsRunning).ToArray();
        var gateways = Gateways.Where(g => !g.IsRunning).ToArray();
        await Task.WhenAll(silos.Select(s => s.StartAsync(this)));
        await Task.WhenAll(gateways.Select(g => g.StartAsync(this)));
        if (silos.Length + gateways.Length > 0) await WaitUntilSettledAsync();
    }

    /// <summary>
    /// Waits until every silo is active in the membership, every gateway holds a lease and a broadcast reaches every
    /// gateway three times in a row. A silo's gateway port opens before it has joined; when it joins, the memory streams' queues move
    /// between silos, and a broadcast in flight then can be lost (memory streams are at-most-once, see
    /// docs/scale-out.md) — the tests start once that has happened.
    /// </summary>
    private async Task WaitUntilSettledAsync()
    {
        var deadline = Stopwatch.StartNew();
        var management = Grains.GetGrain<IManagementGrain>(0);
        var silos = CoHosted ? Gateways.Length : Silos.Length;
        // Exactly as many as run: a killed silo's old generation still listed as active is declared dead later, and its
        // queues and grains then move while a test runs.
        while ((await management.GetHosts(onlyActive: true)).Count != silos)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("the silos were not exactly the running ones within 60 s");
            await Task.Delay(200);
        }

        // Every gateway holds a lease with the membership grain as it is now. After a silo was lost, the grain may be a
        // new activation that learns the gateways from their next heartbeats, which fail until the cluster has declared
        // that silo dead; a gateway killed before it renewed is not seen dying (docs/scale-out.md), and the tests that
        // kill one would wait for a drop that does not come.
        var membership = Grains.GetGrain<IGatewayMembershipGrain>(IGatewayMembershipGrain.Key);
        var ids = await Task.WhenAll(Gateways.Select(async g => (string)(await Metrics(g))["gateway"]!));
        while (!ids.All((await LeaseHolders(membership)).Contains))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("the gateways did not all hold a lease within 60 s");
            await Task.Delay(200);
        }

        await using var node = NodeDriver.Start();
        var probes = new List<(string Name, string Sid)>();
        for (var i = 0; i < Gateways.Length; i++) probes.Add(($"probe{i}", await node.Connect($"probe{i}", Gateways[i].Url!)));
        var inARow = 0;
        for (var round = 0; inARow < 3; round++)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(90)) throw new TimeoutException("broadcasts did not reach every gateway reliably within 90 s");
            await Emitter.To([.. probes.Select(p => p.Sid)]).EmitAsync("probe", round);
            var arrived = Stopwatch.StartNew();
            bool AllGot() => probes.All(p => node.Events(p.Name, "probe").Any(args => (int?)args[0] == round));
            while (!AllGot() && arrived.Elapsed < TimeSpan.FromSeconds(2)) await Task.Delay(20);
            inARow = AllGot() ? inARow + 1 : 0;
        }
    }

    /// <summary>The gateways holding a lease; none while the membership grain cannot be reached (its silo lost and not yet
    /// declared dead).</summary>
    private static async Task<string[]> LeaseHolders(IGatewayMembershipGrain membership)
    {
        try
        {
            return await membership.Gateways().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return [];
        }
    }

    /// <summary>GET /metrics/json of a gateway: its id, socket count and broadcast counters.</summary>
    public async Task<JsonObject> Metrics(ClusterProcess gateway)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return JsonNode.Parse(await http.GetStringAsync(gateway.Url + "/metrics/json"))!.AsObject();
    }

    public string DescribeAll() => string.Join("\n", _all.Select(p => p.Describe()));

    /// <summary>Writes every process's whole output and the node driver's stderr to a new folder under the temp
    /// folder (the test output keeps only their ends); returns the folder.</summary>
    private string SaveLogs(NodeDriver node)
    {
        var folder = Path.Combine(Path.GetTempPath(), "orleanssocket-e2e-logs", $"{DateTime.UtcNow:yyyyMMddTHHmmss.fff}");
        Directory.CreateDirectory(folder);
        foreach (var process in _all) File.WriteAllText(Path.Combine(folder, process.Name + ".log"), process.Output);
        File.WriteAllText(Path.Combine(folder, "node-driver.stderr.log"), node.Stderr);
        return folder;
    }

    /// <summary>Runs a test; on failure writes every process's output and the node driver's to the test output.</summary>
    internal async Task RunWithLogsAsync(NodeDriver node, Xunit.Abstractions.ITestOutputHelper output, Func<Task> test)
    {
        try
        {
            await test();
        }
        catch (Exception e)
        {
            output.WriteLine(DescribeAll());
            output.WriteLine("node driver stderr: " + node.Stderr);
            output.WriteLine("whole logs: " + SaveLogs(node));
            throw new Xunit.Sdk.XunitException($"{e.GetType().Name}: {e.Message}\n(see the test output for the processes' logs)\n{e.StackTrace}");
        }
    }

    public async Task DisposeAsync()
    {
        if (_clientHost is not null)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _clientHost.StopAsync(cts.Token);
            }
            catch (Exception)
            {
                // the cluster goes away below anyway
            }
            _clientHost.Dispose();
        }
        foreach (var process in Enumerable.Reverse(_all)) process.Kill();
        if (_watchdog is not null) ExternalProcess.KillTree(_watchdog);
        File.Delete(_pidFile);
        // Every process's output, for a look after the fact: e2e-artifacts/cluster/<name>.log
        try
        {
            var dir = Path.Combine(E2eEnvironment.ArtifactsDir, "cluster");
            Directory.CreateDirectory(dir);
            foreach (var process in _all) await File.WriteAllTextAsync(Path.Combine(dir, process.Name + ".log"), process.Output);
        }
        catch (IOException)
        {
            // only diagnostics
        }
    }

    internal static string SiloDll => E2eEnvironment.TestSiloDll;
    private const string RedisServer = "/usr/bin/redis-server";

    // Connection state recovery on in every process (as the failover it is about needs it).
    private string[] ClusterArgs =>
    [
        "--Cluster:Clustering=Redis", $"--Cluster:RedisConnectionString=127.0.0.1:{RedisPort}",
        "--Cluster:AdvertisedIPAddress=127.0.0.1", $"--Cluster:ClusterId={_clusterId}",
        "--SocketIO:ConnectionStateRecovery:Enabled=true",
    ];

    private async Task StartClientAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:Clustering"] = "Redis",
            ["Cluster:RedisConnectionString"] = $"127.0.0.1:{RedisPort}",
            ["Cluster:ClusterId"] = _clusterId,
            ["Cluster:ConnectTimeout"] = "00:01:00",
        });
        builder.UseOrleansClient(client => client.AddSocketIOClient());
        builder.Services.Configure<ConnectionStateRecoveryOptions>(o => o.Enabled = true);
        _clientHost = builder.Build();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _clientHost.StartAsync(cts.Token);
    }

    private ClusterProcess Track(ClusterProcess process)
    {
        _all.Add(process);
        return process;
    }

    /// <summary>Records a started process for the watchdog.</summary>
    internal void Started(int pid, bool isRedis)
    {
        // With a marker from its command line, so that a reused pid is never killed.
        var marker = isRedis ? $":{RedisPort}" : _clusterId;
        lock (_pidFile) File.AppendAllText(_pidFile, $"{pid} {marker}\n");
    }

    /// <summary>A shell that kills every started process once the test host is gone (should it die without disposing).</summary>
    private void StartWatchdog()
    {
        File.WriteAllText(_pidFile, "");
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(
            $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 2; done; " +
            $"while read p marker; do tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -qF -- \"$marker\" && kill -9 $p; done < '{_pidFile}'; rm -f '{_pidFile}'");
        _watchdog = Process.Start(startInfo);
    }

    private static void RequireFile(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} not found: build first (dotnet build OrleansSocket.sln -c Release) and install redis-server, or run ./test.sh");
    }

}

/// <summary>One process of the cluster: started, probed until ready, killed (SIGKILL), stopped (SIGTERM), started again.</summary>
public sealed class ClusterProcess(string name, string fileName, string workingDirectory, string[] arguments, int? readyPort = null, string? readyUrl = null)
{
    // Generous: on a loaded 2-core machine a gateway's first connection to the silos was seen taking over a minute.
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("OS_E2E_STARTUP_TIMEOUT_S"), out var s) && s > 0 ? s : 120);
    private readonly OutputBuffer _output = new();
    private Process? _process;

    public string Name => name;
    /// <summary>For a silo: its silo-to-silo port (part of its Orleans address).</summary>
    public int? SiloPort { get; init; }
    public string? Url => readyUrl;
    /// <summary>Where the process serves /health/live and /health/ready: a gateway's <see cref="Url"/>, a silo's own port.</summary>
    public string? HealthUrl { get => field ?? readyUrl; init; }
    public bool IsRunning => _process is { HasExited: false };
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;
    public string Output => _output.ToString();

    public async Task StartAsync(MultiProcessClusterFixture fixture)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        // To line up the processes' logs (the simple formatter's key: the console logger's own TimestampFormat is
        // obsolete and was not applied).
        startInfo.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        _output.Append($"--- start: {fileName} {string.Join(' ', arguments)}");
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => _output.Append(e.Data);
        process.ErrorDataReceived += (_, e) => _output.Append(e.Data);
        process.Start();
        fixture.Started(process.Id, isRedis: readyUrl is null && fileName != "dotnet");
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var stopwatch = Stopwatch.StartNew();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"{name} exited (code {process.ExitCode}) while starting");
            if (stopwatch.Elapsed > StartupTimeout) throw new TimeoutException($"{name} was not ready within {StartupTimeout.TotalSeconds:F0} s");
            if (await IsReadyAsync(http)) return;
            await Task.Delay(100);
        }
    }

    private async Task<bool> IsReadyAsync(HttpClient http)
    {
        try
        {
            if (readyUrl is not null)
            {
                using var response = await http.GetAsync(readyUrl + "/socket.io/?EIO=4&transport=polling");
                return response.StatusCode == HttpStatusCode.OK;
            }
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, readyPort!.Value);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL (kill -9) of the process tree: no shutdown of any kind.</summary>
    public void Kill()
    {
        if (_process is null) return;
        ExternalProcess.KillTree(_process);
        _process.WaitForExit(5000);
    }

    /// <summary>SIGTERM: a graceful shutdown; waits for the exit.</summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        if (_process is not { HasExited: false } process) return true;
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public string Describe(int maxChars = 3000) => $"--- {name} ({(IsRunning ? "running" : $"exited {ExitCode}")}) ---\n{_output.Tail(maxChars)}";
}
