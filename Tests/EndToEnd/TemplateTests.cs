using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// <c>dotnet new orleanssocket</c> as a user runs it: the template package installed from the run's local feed into
/// a hive of its own (<see cref="LocalPackageFeed"/>), the app created outside the repository, built from the feed's
/// packages, started, and its chat driven by socket.io-client 4.x (Tests/clients/template-chat-client.js).
/// </summary>
[Collection(AppTemplateCollection.Name)]
public sealed class AppTemplateTests(AppTemplateFixture app, ITestOutputHelper output)
{
    [Fact]
    public Task The_chat_passes_messages_between_clients() =>
        E2eAssert.NodeScriptSucceedsAsync(app, output, "template-chat-client.js", "30000");

    [Fact]
    public async Task The_chat_page_loads_the_browser_client_the_app_serves()
    {
        var (pageStatus, page) = await app.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, pageStatus);
        Assert.Contains("<script src=\"/socket.io/socket.io.js\"></script>", page);
        var (clientStatus, client) = await app.GetAsync("/socket.io/socket.io.js");
        Assert.Equal(HttpStatusCode.OK, clientStatus);
        Assert.StartsWith("/*!\n * Socket.IO v4.", client);
    }

    [Fact]
    public async Task The_app_references_the_packages_of_this_build()
    {
        var project = await File.ReadAllTextAsync(Path.Combine(app.AppDirectory, "Chat.csproj"));
        Assert.Contains($"<PackageReference Include=\"OrleansSocket.Gateway\" Version=\"{app.PackageVersion}\" />", project);
    }
}

/// <summary>
/// <c>dotnet new orleanssocket-cluster</c>: the solution built once, its silo started (localhost clustering, free
/// ports), then its gateway as an Orleans client of that silo; the same chat test against the gateway.
/// </summary>
[Collection(ClusterTemplateCollection.Name)]
public sealed class ClusterTemplateTests(ClusterTemplateFixture gateway, ITestOutputHelper output)
{
    [Fact]
    public async Task The_chat_passes_messages_between_clients_through_the_silo()
    {
        // The gateway project references the gateway package only: the handlers can run nowhere but in the silo.
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(gateway.GatewayDll)!, "Chat.Handlers.dll")));
        await E2eAssert.NodeScriptSucceedsAsync(gateway, output, "template-chat-client.js", "30000");
        Assert.True(gateway.SiloIsRunning, $"the silo exited\n{gateway.SiloOutput}");
    }

    [Fact]
    public async Task The_gateway_serves_the_chat_page_and_the_browser_client()
    {
        var (pageStatus, page) = await gateway.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, pageStatus);
        Assert.Contains("<script src=\"/socket.io/socket.io.js\"></script>", page);
        var (clientStatus, _) = await gateway.GetAsync("/socket.io/socket.io.js");
        Assert.Equal(HttpStatusCode.OK, clientStatus);
    }
}

/// <summary>An app made by <c>dotnet new <see cref="ShortName"/> -o Chat</c> from the run's template hive, built once.</summary>
public abstract class TemplateAppFixture : ServerFixture
{
    /// <summary>The folder the app was created in.</summary>
    public string AppDirectory { get; private set; } = "";

    /// <summary>The OrleansSocket packages' version in this run's feed.</summary>
    public string PackageVersion { get; private set; } = "";

    protected abstract string ShortName { get; }

    protected override string? Profile => null;

    protected override bool Substitutable => false;

    protected override async Task PrepareAsync()
    {
        var feed = await LocalPackageFeed.GetAsync();
        var hive = await feed.TemplateHiveAsync();
        PackageVersion = feed.Version;
        AppDirectory = feed.AppDirectory(ShortName);
        await LocalPackageFeed.RunAsync("dotnet", ["new", ShortName, "-n", "Chat", "-o", AppDirectory, "--debug:custom-hive", hive], feed.Root);
        await LocalPackageFeed.BuildAsync(AppDirectory);
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
/// <c>dotnet new orleanssocket-cluster</c>: the silo (Chat.Silo) is started here, before the server under test, its
/// gateway (Chat.Gateway), which connects to it on the silo's Orleans gateway port.
/// </summary>
public sealed class ClusterTemplateFixture : TemplateAppFixture
{
    private static readonly TimeSpan SiloStartupTimeout = TimeSpan.FromSeconds(120);
    private readonly int _siloPort = E2eEnvironment.FreePort();
    private readonly int _siloGatewayPort = E2eEnvironment.FreePort();
    private readonly OutputBuffer _siloOutput = new();
    private Process? _silo;

    protected override string ShortName => "orleanssocket-cluster";

    private string GatewayDirectory => Path.Combine(AppDirectory, "Chat.Gateway");

    /// <summary>The gateway's built dll.</summary>
    public string GatewayDll => Path.Combine(GatewayDirectory, "bin", "Release", "net10.0", "Chat.Gateway.dll");

    protected override (string Directory, string Dll) Program => (GatewayDirectory, GatewayDll);

    protected override IReadOnlyList<string> ExtraArguments => [$"--Cluster:ClientGatewayPort={_siloGatewayPort}"];

    public bool SiloIsRunning => _silo is { HasExited: false };

    public string SiloOutput => _siloOutput.ToString();

    protected override async Task PrepareAsync()
    {
        await base.PrepareAsync();
        var siloDirectory = Path.Combine(AppDirectory, "Chat.Silo");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = siloDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[] { Path.Combine(siloDirectory, "bin", "Release", "net10.0", "Chat.Silo.dll"),
            $"--Cluster:SiloPort={_siloPort}", $"--Cluster:GatewayPort={_siloGatewayPort}" })
            startInfo.ArgumentList.Add(argument);
        _silo = new Process { StartInfo = startInfo };
        _silo.OutputDataReceived += (_, e) => _siloOutput.Append(e.Data);
        _silo.ErrorDataReceived += (_, e) => _siloOutput.Append(e.Data);
        _silo.Start();
        _silo.StandardInput.Close();
        _silo.BeginOutputReadLine();
        _silo.BeginErrorReadLine();

        // Up once its Orleans gateway port accepts connections.
        var started = Stopwatch.StartNew();
        while (true)
        {
            if (_silo.HasExited) throw new InvalidOperationException($"the silo exited (code {_silo.ExitCode}) while starting\n{SiloOutput}");
            if (started.Elapsed > SiloStartupTimeout) throw new TimeoutException($"the silo was not up within {SiloStartupTimeout.TotalSeconds:F0} s\n{SiloOutput}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, _siloGatewayPort);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_silo is null) return;
        ExternalProcess.KillTree(_silo);
        await _silo.WaitForExitAsync();
        _silo.Dispose();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppTemplateCollection : ICollectionFixture<AppTemplateFixture>
{
    public const string Name = "E2E app made by dotnet new orleanssocket";
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterTemplateCollection : ICollectionFixture<ClusterTemplateFixture>
{
    public const string Name = "E2E solution made by dotnet new orleanssocket-cluster";
}
