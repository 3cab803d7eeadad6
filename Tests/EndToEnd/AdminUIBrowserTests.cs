using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The two-gateway cluster of <see cref="TwoGatewayClusterFixture"/> (a test silo, two client-mode test gateways) with the
/// Admin UI on: basic authentication (user <c>admin</c>, the bcrypt hash of <see cref="Password"/>), server stats every
/// second, and the UI's static app (npm <c>@socket.io/admin-ui</c> 0.5.1's <c>ui/dist</c>, installed in Tests/clients)
/// served by each gateway at <c>/admin-ui/</c>.
/// </summary>
public sealed class AdminUIClusterFixture : TwoGatewayClusterFixture
{
    public const string Username = "admin";
    public const string Password = "changeit";

    // bcrypt (cost 10) of Password, made with bcryptjs (the hash Node's instrument() takes).
    private const string PasswordHash = "$2a$10$sSK4TIfh8o2XZFQ1FOS3vOF2FsFST2ooX1E/95YHtRBgGgqIes.Nu";

    public static string UIFiles => Path.Combine(E2eEnvironment.ClientsDir, "node_modules", "@socket.io", "admin-ui", "ui", "dist");

    protected override IReadOnlyList<string> ExtraArguments =>
    [
        "--SocketIO:AdminUI:Authentication", "Basic",
        "--SocketIO:AdminUI:Username", Username,
        "--SocketIO:AdminUI:PasswordHash", PasswordHash,
        "--SocketIO:AdminUI:ServerStatsInterval", "00:00:01",
        "--AdminUIFiles", UIFiles,
    ];
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AdminUIClusterCollection : ICollectionFixture<AdminUIClusterFixture>
{
    public const string Name = "E2E cluster of two gateways with the Admin UI";
}

/// <summary>
/// The real Socket.IO Admin UI (npm <c>@socket.io/admin-ui</c> 0.5.1) in headless Debian Chromium, driven by Playwright
/// for .NET, against two gateways of one cluster, with a socket.io-client 4.x socket on each gateway
/// (Tests/clients/admin-ui-clients.js). The UI, served by gateway A, signs in to A's admin namespace: a wrong password
/// is refused ("Invalid credentials"), the right one admitted; both gateways appear under Servers (their stats
/// travel through the cluster adapter); both sockets appear under Sockets (fetched from every gateway); the UI's
/// disconnect button on the socket held by gateway B disconnects that client ("io server disconnect"), the other
/// stays, and the UI drops the row when the socket's <c>socket_disconnected</c> arrives (development mode). Screenshots:
/// admin-ui-*.png in e2e-artifacts/.
/// </summary>
[Collection(AdminUIClusterCollection.Name)]
public sealed class AdminUIBrowserTests(AdminUIClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private string _lastStep = "(none)";
    private BrowserTab? _tab;

    [Fact]
    public async Task AdminUI_ListsBothGatewaysAndTheirSockets_AndDisconnectsASocketOnTheOtherGateway()
    {
        ChromiumBrowser.RequireChromium();
        E2eEnvironment.RequireNodeModules();
        Assert.True(File.Exists(Path.Combine(AdminUIClusterFixture.UIFiles, "index.html")),
            $"{AdminUIClusterFixture.UIFiles} has no index.html: run npm ci in Tests/clients (./test.sh does).");
        cluster.EnsureStarted();

        var clients = new NodeSockets(cluster.GatewayA, cluster.GatewayB);
        using var playwright = await Playwright.CreateAsync();
        ChromiumBrowser? browser = null;
        try
        {
            browser = await ChromiumBrowser.LaunchAsync(playwright, "admin", 1280, 900);
            await RunAsync(browser, clients).WaitAsync(4 * Bound);
        }
        catch (Exception ex) when (ex is BrowserCheckException or PlaywrightException or System.TimeoutException)
        {
            var details = _tab is null ? "" : await _tab.DescribeFailureAsync(E2eEnvironment.ArtifactsDir, "admin-ui-failure.png");
            Assert.Fail($"FAIL Admin UI after the step: {_lastStep}: {ex.Message}\n{details}\nclients:\n{clients.Output}\n{cluster.Describe()}");
        }
        finally
        {
            if (browser is not null) await browser.DisposeAsync();
            clients.Dispose();
        }
    }

    private async Task RunAsync(ChromiumBrowser browser, NodeSockets clients)
    {
        var socketA = await clients.WaitForAsync("connected", "A", Bound);
        var socketB = await clients.WaitForAsync("connected", "B", Bound);
        var gatewayA = await GatewayIdAsync(cluster.GatewayA);
        var gatewayB = await GatewayIdAsync(cluster.GatewayB);
        Step($"socket {socketA} on gateway A ({gatewayA}), socket {socketB} on gateway B ({gatewayB})");

        var page = browser.Context.Pages.FirstOrDefault() ?? await browser.Context.NewPageAsync();
        // The UI's stylesheets from Google Fonts and jsDelivr may be unreachable here: do not wait for them.
        var response = await page.GotoAsync($"{cluster.GatewayA}/admin-ui/", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        if (response is not { Ok: true }) throw new BrowserCheckException($"GET /admin-ui/ answered {response?.Status}");
        var tab = _tab = BrowserTab.Attach("admin", page);

        await SignInAsync(page, "wrong password");
        await ExpectTextAsync(page, "Invalid credentials", "the wrong password is refused");
        Step("a wrong password is refused: the UI shows \"Invalid credentials\"");
        await SignInAsync(page, AdminUIClusterFixture.Password);
        await page.GetByRole(AriaRole.Dialog).WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        Step("signed in with the right password");

        await page.EvaluateAsync("() => { location.hash = '#/servers'; }");
        var serverIds = await WaitForAsync(page,
            "() => document.querySelector('#app').__vue__.$store.state.servers.servers.map(s => s.serverId)",
            ids => ids.Any(i => i.EndsWith("#" + gatewayA, StringComparison.Ordinal)) && ids.Any(i => i.EndsWith("#" + gatewayB, StringComparison.Ordinal)),
            "both gateways among the UI's servers");
        Assert.Equal(2, serverIds.Length);
        await ExpectTextAsync(page, gatewayB, "gateway B in the Servers table");
        // The dashboard's charts: connections, packets and bytes per second, from the gateways' own instruments. The UI's
        // own connection opened before it signed in (those stats may have gone out before it listened): a connection
        // opened, a packet received and one sent on gateway B now are in B's next stats.
        await OpenAndCloseAConnectionAsync(cluster.GatewayB);
        foreach (var type in new[] { "rawConnection", "bytesIn", "bytesOut", "packetsIn", "packetsOut" })
            if (await tab.WaitForFrameAsync($"\"type\":\"{type}\"", Bound) is null)
                throw new BrowserCheckException($"no server_stats with aggregated {type} events reached the UI");
        await tab.ScreenshotAsync(E2eEnvironment.ArtifactsDir, "admin-ui-servers.png");
        Step($"both gateways are listed as servers: {string.Join(", ", serverIds)}");

        await page.EvaluateAsync("() => { location.hash = '#/sockets'; }");
        await ExpectTextAsync(page, socketA, "gateway A's socket in the Sockets table");
        await ExpectTextAsync(page, socketB, "gateway B's socket in the Sockets table");
        await tab.ScreenshotAsync(E2eEnvironment.ArtifactsDir, "admin-ui-sockets.png");
        Step("both sockets are listed");

        await page.Locator("tr", new() { HasText = socketB }).GetByRole(AriaRole.Button).ClickAsync();
        var reason = await clients.WaitForAsync("disconnected", "B", Bound);
        Assert.Equal("io server disconnect", reason);
        Assert.Null(clients.Find("disconnected", "A"));
        Step("the UI's disconnect reached the socket on gateway B; the socket on gateway A stays");

        // Development mode: the socket grain's socket_disconnected reaches the UI, which drops the row. (The click on
        // the row's button also opened the socket's details: back to the list.)
        await page.EvaluateAsync("() => { location.hash = '#/sockets'; }");
        var clock = Stopwatch.StartNew();
        while ((await page.InnerTextAsync("body")).Contains(socketB, StringComparison.Ordinal))
        {
            if (clock.Elapsed > Bound) throw new BrowserCheckException($"the disconnected socket {socketB} is still listed after {Bound.TotalSeconds:0} s");
            await Task.Delay(100);
        }
        await ExpectTextAsync(page, socketA, "gateway A's socket still listed");
        Step("the UI dropped the disconnected socket (socket_disconnected) and still lists the other");
    }

    private static async Task SignInAsync(IPage page, string password)
    {
        await page.GetByLabel("Server URL").FillAsync(page.Url[..page.Url.IndexOf("/admin-ui/", StringComparison.Ordinal)]);
        await page.GetByLabel("Username").FillAsync(AdminUIClusterFixture.Username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect" }).ClickAsync();
    }

    private static async Task ExpectTextAsync(IPage page, string text, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!(await page.InnerTextAsync("body")).Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > Bound) throw new BrowserCheckException($"{what}: \"{text}\" not on the page within {Bound.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }

    private static async Task<string[]> WaitForAsync(IPage page, string script, Func<string[], bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await page.EvaluateAsync<string[]>(script);
            if (done(value)) return value;
            if (clock.Elapsed > Bound) throw new BrowserCheckException($"{what}: still [{string.Join(", ", value)}] after {Bound.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }

    /// <summary>An Engine.IO 4 long-polling connection to <paramref name="gateway"/> that connects to "/" and closes.</summary>
    private static async Task OpenAndCloseAConnectionAsync(string gateway)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var open = await http.GetStringAsync($"{gateway}/socket.io/?EIO=4&transport=polling");
        var sid = JsonDocument.Parse(open[1..]).RootElement.GetProperty("sid").GetString();
        var url = $"{gateway}/socket.io/?EIO=4&transport=polling&sid={sid}";
        (await http.PostAsync(url, new StringContent("40"))).EnsureSuccessStatusCode();
        var reply = await http.GetStringAsync(url); // the CONNECT answer
        if (!reply.StartsWith("40", StringComparison.Ordinal)) throw new BrowserCheckException($"gateway {gateway} answered {reply} to a CONNECT");
        (await http.PostAsync(url, new StringContent("1"))).EnsureSuccessStatusCode();
    }

    private static async Task<string> GatewayIdAsync(string gateway)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var metrics = await http.GetFromJsonAsync<JsonElement>($"{gateway}/metrics/json");
        return metrics.GetProperty("gateway").GetString()!;
    }

    private void Step(string step)
    {
        _lastStep = step;
        output.WriteLine(step);
    }

    /// <summary>Tests/clients/admin-ui-clients.js: a socket on each gateway, and what happens to them, line by line.</summary>
    private sealed class NodeSockets : IDisposable
    {
        private readonly Process _process;
        private readonly OutputBuffer _output = new();
        private readonly List<JsonElement> _events = [];

        public NodeSockets(params string[] gateways)
        {
            var startInfo = new ProcessStartInfo("node")
            {
                WorkingDirectory = E2eEnvironment.ClientsDir,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in (string[])["admin-ui-clients.js", .. gateways, "180000"]) startInfo.ArgumentList.Add(argument);
            _process = new Process { StartInfo = startInfo };
            _process.OutputDataReceived += (_, e) =>
            {
                _output.Append(e.Data);
                if (e.Data is { Length: > 0 } line && line[0] == '{')
                    lock (_events) _events.Add(JsonDocument.Parse(line).RootElement.Clone());
            };
            _process.ErrorDataReceived += (_, e) => _output.Append(e.Data);
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Output => _output.ToString();

        /// <summary>The socket id ("connected") or the reason ("disconnected") of <paramref name="label"/>'s event, or null.</summary>
        public string? Find(string @event, string label)
        {
            lock (_events)
            {
                foreach (var e in _events)
                    if (e.GetProperty("event").GetString() == @event && e.GetProperty("label").GetString() == label)
                        return e.GetProperty(@event == "connected" ? "id" : "reason").GetString();
            }
            return null;
        }

        public async Task<string> WaitForAsync(string @event, string label, TimeSpan bound)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (Find(@event, label) is { } value) return value;
                if (_process.HasExited) throw new BrowserCheckException($"admin-ui-clients.js exited (code {_process.ExitCode}) before {label} was {@event}");
                if (clock.Elapsed > bound) throw new BrowserCheckException($"socket {label} not {@event} within {bound.TotalSeconds:0} s");
                await Task.Delay(50);
            }
        }

        public void Dispose()
        {
            ExternalProcess.KillTree(_process);
            _process.WaitForExit(10_000);
            _process.Dispose();
        }
    }
}
