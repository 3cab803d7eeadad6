using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// An app made by <c>dotnet new <see cref="ShortName"/> -n Chat</c> from the run's template hive
/// (<see cref="LocalPackageFeed"/>), outside the repository, built once per test run whichever fixtures start it.
/// </summary>
public abstract class TemplateAppFixture : ServerFixture
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Built = new();

    /// <summary>The folder the app was created in.</summary>
    public string AppDirectory { get; private set; } = "";

    /// <summary>The OrleansSocket packages' version in this run's feed.</summary>
    public string PackageVersion { get; private set; } = "";

    protected abstract string ShortName { get; }

    protected override string? Profile => null;

    protected override bool Substitutable => false;

    protected override async Task PrepareAsync()
    {
        PackageVersion = (await LocalPackageFeed.GetAsync()).Version;
        AppDirectory = await Built.GetOrAdd(ShortName, shortName => new(() => CreateAndBuildAsync(shortName))).Value;
    }

    private static async Task<string> CreateAndBuildAsync(string shortName)
    {
        var feed = await LocalPackageFeed.GetAsync();
        var hive = await feed.TemplateHiveAsync();
        var directory = feed.AppDirectory(shortName);
        await LocalPackageFeed.RunAsync("dotnet", ["new", shortName, "-n", "Chat", "-o", directory, "--debug:custom-hive", hive], feed.Root);
        await LocalPackageFeed.BuildAsync(directory);
        return directory;
    }

    /// <summary>GET <paramref name="path"/> from the started app: its status and body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        EnsureStarted();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(BaseUrl + path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

/// <summary><c>dotnet new orleanssocket</c>: one process, the silo embedded.</summary>
public sealed class AppTemplateFixture : TemplateAppFixture
{
    protected override string ShortName => "orleanssocket";

    protected override (string Directory, string Dll) Program =>
        (AppDirectory, Path.Combine(AppDirectory, "bin", "Release", "net10.0", "Chat.dll"));
}

/// <summary>
/// <c>dotnet new orleanssocket-cluster</c> with its default, localhost clustering: the silo (Chat.Silo) is started
/// here on free ports, before the server under test, the gateway (Chat.Gateway), which connects to it.
/// </summary>
public class ClusterTemplateFixture : TemplateAppFixture
{
    private readonly int _siloPort = E2eEnvironment.FreePort();
    private readonly int _siloGatewayPort = E2eEnvironment.FreePort();
    private string[] _clusterArguments = [];
    private BackgroundProcess? _silo;

    protected override string ShortName => "orleanssocket-cluster";

    private string GatewayDirectory => Path.Combine(AppDirectory, "Chat.Gateway");

    /// <summary>The gateway's built dll.</summary>
    public string GatewayDll => Path.Combine(GatewayDirectory, "bin", "Release", "net10.0", "Chat.Gateway.dll");

    protected override (string Directory, string Dll) Program => (GatewayDirectory, GatewayDll);

    protected override IReadOnlyList<string> ExtraArguments => [.. _clusterArguments, $"--Cluster:ClientGatewayPort={_siloGatewayPort}"];

    public bool SiloIsRunning => _silo?.IsRunning == true;

    public string SiloOutput => _silo?.Output ?? "";

    /// <summary>The <c>Cluster</c> configuration the silo and the gateway both get, beyond the ports (none: the template's).</summary>
    protected virtual Task<string[]> ClusterArgumentsAsync() => Task.FromResult<string[]>([]);

    protected override async Task PrepareAsync()
    {
        await base.PrepareAsync();
        _clusterArguments = await ClusterArgumentsAsync();
        var siloDirectory = Path.Combine(AppDirectory, "Chat.Silo");
        _silo = BackgroundProcess.Start("silo", "dotnet", siloDirectory,
            [Path.Combine(siloDirectory, "bin", "Release", "net10.0", "Chat.Silo.dll"), .. _clusterArguments,
             $"--Cluster:SiloPort={_siloPort}", $"--Cluster:GatewayPort={_siloGatewayPort}"]);
        await _silo.WaitForPortAsync(_siloGatewayPort);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_silo is not null) await _silo.DisposeAsync();
    }
}

/// <summary>
/// <see cref="ClusterTemplateFixture"/> with Redis clustering, by configuration alone: a redis-server (Debian's, as
/// Tests/EndToEnd/MultiProcess uses) on a free port, a cluster id of this fixture's own.
/// </summary>
public sealed class RedisClusterTemplateFixture : ClusterTemplateFixture
{
    private const string RedisServer = "/usr/bin/redis-server";
    private BackgroundProcess? _redis;

    protected override async Task<string[]> ClusterArgumentsAsync()
    {
        if (!File.Exists(RedisServer)) throw new FileNotFoundException($"{RedisServer} not found: run ./test.sh (it installs redis-server)");
        var port = E2eEnvironment.FreePort();
        _redis = BackgroundProcess.Start("redis", RedisServer, Path.GetTempPath(),
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        await _redis.WaitForPortAsync(port);
        return ["--Cluster:Clustering=Redis", $"--Cluster:RedisConnectionString=127.0.0.1:{port}",
            "--Cluster:AdvertisedIPAddress=127.0.0.1", $"--Cluster:ClusterId=template-{Guid.NewGuid():N}"];
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
    }
}

/// <summary>A process a fixture starts beside the server under test (a silo, redis-server), killed with its tree at the end.</summary>
internal sealed class BackgroundProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(120);
    private readonly string _name;
    private readonly Process _process;
    private readonly OutputBuffer _output = new();

    private BackgroundProcess(string name, Process process)
    {
        _name = name;
        _process = process;
    }

    public bool IsRunning => !_process.HasExited;

    public string Output => _output.ToString();

    public static BackgroundProcess Start(string name, string fileName, string directory, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) startInfo.Environment[key] = value;
        var started = new BackgroundProcess(name, new Process { StartInfo = startInfo });
        started._process.OutputDataReceived += (_, e) => started._output.Append(e.Data);
        started._process.ErrorDataReceived += (_, e) => started._output.Append(e.Data);
        started._process.Start();
        started._process.StandardInput.Close();
        started._process.BeginOutputReadLine();
        started._process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Waits until <paramref name="port"/> on loopback accepts connections; throws with the output if it exits or times out.</summary>
    public async Task WaitForPortAsync(int port)
    {
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{_name} exited (code {_process.ExitCode}) while starting\n{Output}");
            if (elapsed.Elapsed > StartupTimeout) throw new TimeoutException($"{_name} did not listen on {port} within {StartupTimeout.TotalSeconds:F0} s\n{Output}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        ExternalProcess.KillTree(_process);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // nothing more to do
        }
        _process.Dispose();
    }
}
