using System.Diagnostics;
using System.Net;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// Starts the server under test on a free 127.0.0.1 port for a test collection and kills it
/// (with its process tree) at the end.
/// <para>Default command: with a profile, the test gateway from <c>Tests/Hosts/TestGateway/</c> (its content root,
/// where <c>appsettings.P.json</c> is):
/// <c>dotnet Tests/Hosts/TestGateway/bin/Release/net10.0/OrleansSocket.TestGateway.dll --profile P --urls http://127.0.0.1:PORT</c>;
/// without one, the demo gateway from <c>Gateway/Host/</c> (so <c>wwwroot</c> is the demo's):
/// <c>dotnet Gateway/Host/bin/Release/net10.0/OrleansSocket.Gateway.Host.dll --urls http://127.0.0.1:PORT</c>.</para>
/// <para><c>OS_E2E_SERVER_CMD</c> substitutes another command, run by <c>/bin/sh</c> from the
/// repository root, e.g. <c>node Tests/clients/reference-server.js {port}</c>. Placeholders:
/// <c>{port}</c>, <c>{url}</c>, <c>{profileArgs}</c> (<c>--profile P</c> or empty); with neither
/// <c>{port}</c> nor <c>{url}</c>, <c>{profileArgs} --urls {url}</c> is appended.</para>
/// The server counts as up once <c>GET /socket.io/?EIO=4&amp;transport=polling</c> (<see cref="ReadyPath"/>) answers 200.
/// </summary>
public abstract class ServerFixture : IAsyncLifetime
{
    public const string ServerCommandVariable = "OS_E2E_SERVER_CMD";
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("OS_E2E_STARTUP_TIMEOUT_S"), out var s) && s > 0 ? s : 90);

    private readonly OutputBuffer _output = new();
    private Process? _process;
    private string? _startError;

    /// <summary>A test profile of the test gateway (<c>protocol</c>, <c>api</c>), or null for the demo gateway.</summary>
    protected abstract string? Profile { get; }

    /// <summary>More command-line arguments for the server (after the profile).</summary>
    protected virtual IReadOnlyList<string> ExtraArguments => [];

    /// <summary>The program to start: its project directory (working directory and content root) and its built dll.</summary>
    protected virtual (string Directory, string Dll) Program => Profile is null
        ? (E2eEnvironment.GatewayDir, E2eEnvironment.GatewayDll)
        : (E2eEnvironment.TestGatewayDir, E2eEnvironment.TestGatewayDll);

    /// <summary>The request that answers 200 once the server is up (a server that requires authorization answers its
    /// handshake 401: its health probe instead).</summary>
    protected virtual string ReadyPath => "/socket.io/?EIO=4&transport=polling";

    /// <summary>Whether <c>OS_E2E_SERVER_CMD</c> may substitute another server (not for a fixture of one particular program).</summary>
    protected virtual bool Substitutable => true;

    public int Port { get; private set; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The server process's id (with <c>OS_E2E_SERVER_CMD</c>, the command that <c>/bin/sh</c> execs).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("the server under test was not started");

    public string CommandLine { get; private set; } = "";

    /// <summary>
    /// False when <see cref="ExtraArguments"/> did not reach the server: a substituted command that names
    /// <c>{port}</c> or <c>{url}</c> but not <c>{profileArgs}</c> (known once started).
    /// </summary>
    public bool ExtraArgumentsPassed { get; private set; } = true;

    /// <summary>Fails the calling test when the server did not come up (with its output).</summary>
    public void EnsureStarted()
    {
        if (_startError is not null)
        {
            Assert.Fail(_startError);
        }

        if (_process is { HasExited: true })
        {
            Assert.Fail($"the server under test exited early (code {_process.ExitCode}).\n{Describe()}");
        }
    }

    /// <summary>Everything the server wrote to stdout and stderr so far.</summary>
    public string Output => _output.ToString();

    /// <summary>Command line and the tail of the server's output, for failure messages.</summary>
    public string Describe(int maxChars = 6000) =>
        $"--- server: {CommandLine} ---\n{_output.Tail(maxChars)}--- end of server output ---";

    /// <summary>Runs before the server starts (e.g. to build the program from packages); a failure is the start error.</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        try
        {
            await PrepareAsync();
        }
        catch (Exception ex)
        {
            _startError = $"preparing the server failed: {ex}";
            return;
        }
        Port = E2eEnvironment.FreePort();
        var startInfo = BuildStartInfo();
        _process = new Process { StartInfo = startInfo };
        _process.OutputDataReceived += (_, e) => _output.Append(e.Data);
        _process.ErrorDataReceived += (_, e) => _output.Append(e.Data);
        try
        {
            _process.Start();
        }
        catch (Exception ex)
        {
            _startError = $"could not start the server under test ({CommandLine}): {ex.Message}";
            return;
        }

        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _startError = await WaitUntilUpAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

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

    private ProcessStartInfo BuildStartInfo()
    {
        var url = BaseUrl;
        var profileArgs = string.Join(' ', (Profile is null ? [] : new[] { "--profile", Profile }).Concat(ExtraArguments));
        ProcessStartInfo startInfo;
        var template = Environment.GetEnvironmentVariable(ServerCommandVariable);
        if (Substitutable && !string.IsNullOrWhiteSpace(template))
        {
            var command = template.Contains("{port}", StringComparison.Ordinal) || template.Contains("{url}", StringComparison.Ordinal)
                ? template
                : $"{template} {{profileArgs}} --urls {{url}}";
            ExtraArgumentsPassed = ExtraArguments.Count == 0 || command.Contains("{profileArgs}", StringComparison.Ordinal);
            command = command.Replace("{port}", Port.ToString(), StringComparison.Ordinal)
                .Replace("{url}", url, StringComparison.Ordinal)
                .Replace("{profileArgs}", profileArgs, StringComparison.Ordinal);
            startInfo = new ProcessStartInfo("/bin/sh") { WorkingDirectory = E2eEnvironment.RepoRoot };
            startInfo.ArgumentList.Add("-c");
            startInfo.ArgumentList.Add("exec " + command);
            CommandLine = $"{command}   (from {E2eEnvironment.RepoRoot}, via {ServerCommandVariable})";
        }
        else
        {
            var (directory, dll) = Program;
            if (!File.Exists(dll))
            {
                _startError = $"{dll} not found: build first (dotnet build OrleansSocket.sln -c Release), or run ./test.sh.";
            }

            startInfo = new ProcessStartInfo("dotnet") { WorkingDirectory = directory };
            startInfo.ArgumentList.Add(dll);
            if (Profile is not null)
            {
                startInfo.ArgumentList.Add("--profile");
                startInfo.ArgumentList.Add(Profile);
            }

            foreach (var argument in ExtraArguments)
            {
                startInfo.ArgumentList.Add(argument);
            }

            startInfo.ArgumentList.Add("--urls");
            startInfo.ArgumentList.Add(url);
            CommandLine = $"dotnet {string.Join(' ', startInfo.ArgumentList)}   (from {startInfo.WorkingDirectory})";
        }

        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.RedirectStandardInput = true;
        return startInfo;
    }

    private async Task<string?> WaitUntilUpAsync()
    {
        if (_startError is not null)
        {
            return _startError;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var probe = BaseUrl + ReadyPath;
        var stopwatch = Stopwatch.StartNew();
        string last = "no answer yet";
        while (stopwatch.Elapsed < StartupTimeout)
        {
            if (_process!.HasExited)
            {
                return $"the server under test exited (code {_process.ExitCode}) before answering {probe}.\n{Describe()}";
            }

            try
            {
                using var response = await http.GetAsync(probe);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return null;
                }

                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            await Task.Delay(250);
        }

        return $"the server under test did not answer 200 on {probe} within {StartupTimeout.TotalSeconds:F0} s (last: {last}).\n{Describe()}";
    }

}

/// <summary>
/// The test gateway with <c>--profile protocol</c> for the protocol suites, with a longer heartbeat and connect timeout
/// than the profile's (and upstream's) pingInterval 300 ms, pingTimeout 200 ms and connectTimeout 1 s, which the suites
/// are told of. Under load those failed: every test's session heard a PING 300 ms after its handshake, so a first answer
/// slower than that (a cold CONNECT) was read as "2" (socket.io-v5 "should allow connection to the main namespace":
/// "CONNECT answer 2"); a pong later than 200 ms closed the session; and socket.io-v5's ping/pong test (three 300 ms
/// rounds) had 100 ms left before the connect timeout closed its namespace-less session (expected '1' to equal '2').
/// The suites' heartbeat and connect-timeout tests check the same with these values.
/// </summary>
public sealed class ProtocolServerFixture : ServerFixture
{
    private const int LongPingInterval = 1000;
    private const int LongPingTimeout = 1000;
    private const int LongConnectTimeout = 5000;

    /// <summary>The server's pingInterval in ms (PROTOCOL_SUITE_PING_INTERVAL for the suites); the profile's 300 when a
    /// substituted server command took no arguments.</summary>
    public int PingInterval => ExtraArgumentsPassed ? LongPingInterval : 300;

    /// <summary>The server's pingTimeout in ms (PROTOCOL_SUITE_PING_TIMEOUT); the profile's 200 likewise.</summary>
    public int PingTimeout => ExtraArgumentsPassed ? LongPingTimeout : 200;

    /// <summary>The server's connectTimeout in ms (PROTOCOL_SUITE_CONNECT_TIMEOUT); the profile's 1000 likewise.</summary>
    public int ConnectTimeout => ExtraArgumentsPassed ? LongConnectTimeout : 1000;

    protected override string? Profile => "protocol";

    protected override IReadOnlyList<string> ExtraArguments =>
    [
        $"--SocketIO:Engine:PingInterval={LongPingInterval}",
        $"--SocketIO:Engine:PingTimeout={LongPingTimeout}",
        $"--SocketIO:ConnectTimeout={TimeSpan.FromMilliseconds(LongConnectTimeout):hh\\:mm\\:ss}",
    ];
}

/// <summary>
/// The test gateway with <c>--profile protocol</c> for the official clients (Node socket.io-client 4/3/2, python-socketio),
/// with the heartbeat and connect timeout relaxed: the protocol suites need the profile's pingInterval 300 ms and
/// pingTimeout 200 ms (they assert them), under which a client or server stalled for half a second on a loaded machine
/// loses its session (socket.io-client 2.x then saw "xhr poll error (400)" for the sid the server had closed, or waited
/// in vain: NodeClientTests.OfficialClient(2, "polling"), about 2 in 9 runs under load; Node's reference server does
/// the same). A ping every second still runs while a client's checks do, and a pong may take 20 s.
/// </summary>
public sealed class ClientServerFixture : ServerFixture
{
    protected override string? Profile => "protocol";

    protected override IReadOnlyList<string> ExtraArguments =>
        ["--SocketIO:Engine:PingInterval=1000", "--SocketIO:Engine:PingTimeout=20000", "--SocketIO:ConnectTimeout=00:00:45"];
}

/// <summary>
/// The test gateway with <c>--profile api</c> (Tests/Hosts/TestHandlers/ApiHandlers.cs), its co-hosted silo's Orleans
/// gateway on a known free port (<see cref="OrleansGatewayPort"/>) so an external emitter process can join.
/// </summary>
public sealed class ApiServerFixture : ServerFixture
{
    public int OrleansGatewayPort { get; } = E2eEnvironment.FreePort();

    protected override string? Profile => "api";

    protected override IReadOnlyList<string> ExtraArguments => ["--Cluster:GatewayPort", OrleansGatewayPort.ToString()];
}

/// <summary>The demo gateway (Gateway/Host): the demo page at <c>/</c>.</summary>
public sealed class DemoServerFixture : ServerFixture
{
    protected override string? Profile => null;
}

/// <summary>The protocol-suite tests have the protocol-profile server to themselves, one test at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProtocolServerCollection : ICollectionFixture<ProtocolServerFixture>
{
    public const string Name = "E2E protocol-profile server";
}

/// <summary>The official clients' tests share one protocol-profile server with a relaxed heartbeat, one test at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClientServerCollection : ICollectionFixture<ClientServerFixture>
{
    public const string Name = "E2E official-client server";
}

/// <summary>The server API tests (Node, Python, SocketIOClient, emitter process) share one api-profile server.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ApiServerCollection : ICollectionFixture<ApiServerFixture>
{
    public const string Name = "E2E api-profile server";
}

/// <summary>The browser tests get their own server: the demo gateway.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DemoServerCollection : ICollectionFixture<DemoServerFixture>
{
    public const string Name = "E2E demo server";
}
