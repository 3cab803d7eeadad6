using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// One cluster, two gateways, on 127.0.0.1: a test silo process (Tests/Hosts/TestSilo, protocol profile unless a
/// subclass names another (<see cref="Profile"/>), localhost
/// clustering, free ports) and two test gateway processes (Tests/Hosts/TestGateway) in Orleans client mode connected to it, so both gateways share the same
/// grains. Every process is killed (with its tree) at the end, also when starting failed.
/// <para>
/// The gateways keep the protocol profile's handlers and CORS but not its 300/200 ms heartbeat and 1 s connect
/// timeout, which are there for the conformance suites' timing tests: with two more hops (the test's proxy and the
/// relay between gateways) on a shared 2-core machine, a 200 ms pong deadline measures the machine's load.
/// </para>
/// </summary>
public class TwoGatewayClusterFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("OS_E2E_STARTUP_TIMEOUT_S"), out var s) && s > 0 ? s : 120);

    private readonly List<(string Name, Process Process, OutputBuffer Output, string CommandLine)> _processes = [];
    private string? _startError;

    public string GatewayA { get; private set; } = "";
    public string GatewayB { get; private set; } = "";

    public void EnsureStarted()
    {
        if (_startError is not null) Assert.Fail(_startError);
        foreach (var (name, process, _, _) in _processes)
            if (process.HasExited) Assert.Fail($"{name} exited early (code {process.ExitCode}).\n{Describe()}");
    }

    /// <summary>Command lines and the tail of each process's output, for failure messages.</summary>
    public string Describe(int maxCharsEach = 4000) => string.Concat(_processes.Select(p =>
        $"--- {p.Name}: {p.CommandLine} ---\n{p.Output.Tail(maxCharsEach)}--- end of {p.Name} ---\n"));

    /// <summary>The test profile of every process (the handlers, and the gateways' appsettings.P.json).</summary>
    protected virtual string Profile => "protocol";

    /// <summary>More configuration for every process of the cluster (silo and both gateways).</summary>
    protected virtual IReadOnlyList<string> ExtraArguments => [];

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch (Exception ex)
        {
            _startError = $"starting the cluster failed: {ex.Message}\n{Describe()}";
        }
    }

    private async Task StartAsync()
    {
        var silo = E2eEnvironment.TestSiloDll;
        foreach (var dll in new[] { silo, E2eEnvironment.TestGatewayDll })
            if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} not found: build first (dotnet build OrleansSocket.sln -c Release), or run ./test.sh.");

        var siloPort = E2eEnvironment.FreePort();
        var orleansGatewayPort = E2eEnvironment.FreePort();
        Start("silo", silo, E2eEnvironment.TestSiloDir,
            ["--profile", Profile, "--Cluster:SiloPort", siloPort.ToString(), "--Cluster:GatewayPort", orleansGatewayPort.ToString(), .. ExtraArguments]);
        var clock = Stopwatch.StartNew();
        await WaitForTcpAsync(orleansGatewayPort, clock);

        var ports = new[] { E2eEnvironment.FreePort(), E2eEnvironment.FreePort() };
        foreach (var (port, name) in ports.Zip(new[] { "gateway A", "gateway B" }))
        {
            Start(name, E2eEnvironment.TestGatewayDll, E2eEnvironment.TestGatewayDir,
            [
                "--profile", Profile,
                "--urls", $"http://127.0.0.1:{port}",
                "--Cluster:Mode", "Client",
                "--Cluster:ClientGatewayPort", orleansGatewayPort.ToString(),
                "--SocketIO:Engine:PingInterval", "2000",
                "--SocketIO:Engine:PingTimeout", "5000",
                "--SocketIO:ConnectTimeout", "00:00:30",
                "--Logging:LogLevel:OrleansSocket", "Debug",
                .. ExtraArguments,
            ]);
        }
        GatewayA = $"http://127.0.0.1:{ports[0]}";
        GatewayB = $"http://127.0.0.1:{ports[1]}";
        await Task.WhenAll(WaitForHandshakeAsync(GatewayA, clock), WaitForHandshakeAsync(GatewayB, clock));
    }

    public async Task DisposeAsync()
    {
        foreach (var (_, process, _, _) in Enumerable.Reverse(_processes))
        {
            ExternalProcess.KillTree(process);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                // nothing more to do
            }
            process.Dispose();
        }
    }

    private void Start(string name, string dll, string workingDirectory, string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        startInfo.ArgumentList.Add(dll);
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        var output = new OutputBuffer();
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => output.Append(e.Data);
        process.ErrorDataReceived += (_, e) => output.Append(e.Data);
        var commandLine = $"dotnet {string.Join(' ', startInfo.ArgumentList)}   (from {workingDirectory})";
        process.Start();
        _processes.Add((name, process, output, commandLine));
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private async Task WaitForTcpAsync(int port, Stopwatch clock)
    {
        while (true)
        {
            ThrowIfExited();
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                if (clock.Elapsed > StartupTimeout) throw new TimeoutException($"the silo's gateway port {port} did not open within {StartupTimeout.TotalSeconds:F0} s");
                await Task.Delay(250);
            }
        }
    }

    private async Task WaitForHandshakeAsync(string baseUrl, Stopwatch clock)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var probe = $"{baseUrl}/socket.io/?EIO=4&transport=polling";
        var last = "no answer yet";
        while (clock.Elapsed < StartupTimeout)
        {
            ThrowIfExited();
            try
            {
                using var response = await http.GetAsync(probe);
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{probe} did not answer 200 within {StartupTimeout.TotalSeconds:F0} s (last: {last})");
    }

    private void ThrowIfExited()
    {
        foreach (var (name, process, _, _) in _processes)
            if (process.HasExited) throw new InvalidOperationException($"{name} exited (code {process.ExitCode})");
    }

}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TwoGatewayClusterCollection : ICollectionFixture<TwoGatewayClusterFixture>
{
    public const string Name = "E2E cluster of two gateways";
}
