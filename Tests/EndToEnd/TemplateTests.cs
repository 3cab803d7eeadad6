using System.Net;
using Microsoft.Playwright;
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

    /// <summary>The page itself, in headless Chromium (<see cref="ChromiumBrowser"/>): two tabs join and chat.</summary>
    [Fact]
    public async Task Two_tabs_of_the_chat_page_talk_to_each_other()
    {
        ChromiumBrowser.RequireChromium();
        app.EnsureStarted();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ChromiumBrowser.LaunchAsync(playwright, "template-chat", 900, 700);
        var tabs = new List<BrowserTab>();
        try
        {
            tabs.Add(await BrowserTab.OpenAsync(browser, "alice", app.BaseUrl, tabs));
            tabs.Add(await BrowserTab.OpenAsync(browser, "bob", app.BaseUrl, tabs));
            var (alice, bob) = (tabs[0].Page, tabs[1].Page);
            await JoinAsync(alice, "alice");
            await JoinAsync(bob, "bob");
            await alice.WaitForSelectorAsync("#messages li.notice:has-text('bob joined')", Bound);

            await alice.FillAsync("#text", "hello from the page");
            await alice.PressAsync("#text", "Enter");
            var line = await bob.WaitForSelectorAsync("#messages li:has-text('hello from the page')", Bound);
            Assert.Equal("alice", await line!.EvalOnSelectorAsync<string>(".from", "e => e.textContent"));
            await alice.WaitForSelectorAsync("#messages li:has-text('hello from the page')", Bound); // the sender's own line
            // The input is cleared on the ack, which may come after the line (that goes through the broadcast stream).
            await alice.WaitForFunctionAsync("() => document.getElementById('text').value === ''", null,
                new() { Timeout = ChromiumBrowser.TimeoutMs });
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            var details = "";
            foreach (var tab in tabs) details += await tab.DescribeFailureAsync(E2eEnvironment.ArtifactsDir, $"template-chat-failure-{tab.Name}.png");
            Assert.Fail($"{e.Message}\n{details}{app.Describe()}");
        }
    }

    private static PageWaitForSelectorOptions Bound => new() { Timeout = ChromiumBrowser.TimeoutMs };

    private static async Task JoinAsync(IPage page, string name)
    {
        await page.FillAsync("#name", name);
        await page.ClickAsync("#join button");
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent === 'connected'", null,
            new() { Timeout = ChromiumBrowser.TimeoutMs });
    }

    /// <summary>The template's OpenTelemetry: Socket.IO's instruments, as Prometheus text at /metrics.</summary>
    [Fact]
    public async Task The_app_exports_its_Socket_IO_metrics_at_metrics()
    {
        // An Engine.IO session held open (a long-polling handshake): one active polling connection at least.
        var (handshake, _) = await app.GetAsync("/socket.io/?EIO=4&transport=polling");
        Assert.Equal(HttpStatusCode.OK, handshake);
        var (status, metrics) = await app.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("# TYPE socketio_server_active_connections gauge", metrics);
        Assert.Contains("socketio_server_active_connections{", metrics);
        Assert.Contains("# TYPE http_server_active_requests", metrics); // ASP.NET Core's, added beside
    }

    [Fact]
    public async Task The_app_references_the_packages_of_this_build()
    {
        var project = await File.ReadAllTextAsync(Path.Combine(app.AppDirectory, "Chat.csproj"));
        Assert.Contains($"<PackageReference Include=\"OrleansSocket.Gateway\" Version=\"{app.PackageVersion}\" />", project);
        // the grains of the silo the app hosts: the gateway package does not bring them
        Assert.Contains($"<PackageReference Include=\"OrleansSocket.Grains\" Version=\"{app.PackageVersion}\" />", project);
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
    public void The_gateway_installs_the_Orleans_client_side_and_no_grains()
    {
        // A thin gateway from packages: what its build output holds is what the gateway package brought.
        var output = Path.GetDirectoryName(gateway.GatewayDll)!;
        Assert.True(File.Exists(Path.Combine(output, "OrleansSocket.Grains.Client.dll")));
        Assert.False(File.Exists(Path.Combine(output, "OrleansSocket.Grains.dll")));
        Assert.False(File.Exists(Path.Combine(output, "Orleans.Persistence.Memory.dll")));
        Assert.False(File.Exists(Path.Combine(output, "BCrypt-Net-Next.dll")));
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

    /// <summary>The gateway's OpenTelemetry, as in the single-process template: Prometheus text at /metrics.</summary>
    [Fact]
    public async Task The_gateway_exports_its_Socket_IO_metrics_at_metrics()
    {
        var (handshake, _) = await gateway.GetAsync("/socket.io/?EIO=4&transport=polling");
        Assert.Equal(HttpStatusCode.OK, handshake);
        var (status, metrics) = await gateway.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("# TYPE socketio_server_active_connections gauge", metrics);
    }
}

/// <summary>
/// The same solution (built once) with Redis clustering, set by configuration only as its README says: a redis-server
/// on a free port, the silo and the gateway given <c>--Cluster:Clustering=Redis</c> and the connection string.
/// </summary>
[Collection(RedisClusterTemplateCollection.Name)]
public sealed class RedisClusterTemplateTests(RedisClusterTemplateFixture gateway, ITestOutputHelper output)
{
    [Fact]
    public async Task The_chat_passes_messages_between_clients_with_Redis_clustering()
    {
        await E2eAssert.NodeScriptSucceedsAsync(gateway, output, "template-chat-client.js", "30000");
        Assert.True(gateway.SiloIsRunning, $"the silo exited\n{gateway.SiloOutput}");
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

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisClusterTemplateCollection : ICollectionFixture<RedisClusterTemplateFixture>
{
    public const string Name = "E2E solution made by dotnet new orleanssocket-cluster, on Redis";
}
