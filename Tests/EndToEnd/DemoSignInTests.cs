using Microsoft.Playwright;
using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The demo gateway (Gateway/Host) with its sign-in on (<c>Demo:SignIn:SigningKey</c>): a real JWT bearer scheme,
/// tokens from the demo's <c>POST /login</c>, the chat knowing each socket by its token's name.
/// </summary>
public abstract class DemoSignInFixture : ServerFixture
{
    /// <summary>A demo key for the tests (not a secret).</summary>
    public const string SigningKey = "the demo sign-in's end-to-end key, 32 characters or more";

    protected override string? Profile => null;

    protected override bool Substitutable => false; // the demo's own sign-in, not another server's

    /// <summary>Whether the gateway maps Socket.IO with <c>RequireAuthorization()</c>.</summary>
    protected abstract bool RequireAuthorization { get; }

    /// <summary>What the client scripts call this mode.</summary>
    public string Mode => RequireAuthorization ? "handshake" : "connect";

    protected override IReadOnlyList<string> ExtraArguments =>
        ["--Demo:SignIn:SigningKey", SigningKey, "--Demo:SignIn:RequireAuthorization", RequireAuthorization ? "true" : "false"];

    // With RequireAuthorization an anonymous handshake answers 401.
    protected override string ReadyPath => "/health/ready";
}

/// <summary>Every Engine.IO request needs the token (<c>MapSocketIO().RequireAuthorization()</c>).</summary>
public sealed class DemoSignInHandshakeFixture : DemoSignInFixture
{
    protected override bool RequireAuthorization => true;
}

/// <summary>Anyone connects; the chat's connect handler checks <c>auth.token</c>.</summary>
public sealed class DemoSignInConnectFixture : DemoSignInFixture
{
    protected override bool RequireAuthorization => false;
}

/// <summary>socket.io-client 4.x and python-socketio signing in to the demo chat, the token in the HTTP requests.</summary>
public sealed class DemoSignInHandshakeTests(DemoSignInHandshakeFixture server, ITestOutputHelper output)
    : DemoSignInTests(server, output), IClassFixture<DemoSignInHandshakeFixture>;

/// <summary>socket.io-client 4.x and python-socketio signing in to the demo chat, the token in the CONNECT packet.</summary>
public sealed class DemoSignInConnectTests(DemoSignInConnectFixture server, ITestOutputHelper output)
    : DemoSignInTests(server, output), IClassFixture<DemoSignInConnectFixture>;

/// <summary>The checks of both modes (Tests/clients/demo-signin-client.js, Tests/clients/python_demo_signin.py).</summary>
public abstract class DemoSignInTests(DemoSignInFixture server, ITestOutputHelper output)
{
    [Fact]
    public Task NodeClient() =>
        E2eAssert.NodeScriptSucceedsAsync(server, output, "demo-signin-client.js", server.Mode);

    [Fact]
    public async Task PythonClient()
    {
        E2eEnvironment.RequirePython();
        server.EnsureStarted();
        var result = await ExternalProcess.RunAsync(
            E2eEnvironment.PythonPath,
            ["python_demo_signin.py", server.BaseUrl, server.Mode, "15"],
            E2eEnvironment.ClientsDir,
            TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1", ["PYTHONNOUSERSITE"] = "1" });
        E2eAssert.Succeeded(result, server, output);
    }

    /// <summary>
    /// The demo page in headless Chromium: it finds the sign-in on (GET /login), refuses an invalid name, signs in
    /// (POST /login, then the token on the connection or in the CONNECT), the chat greets the token's user, the echo
    /// panel works; signed out, it signs in as another user, whom the chat greets in turn.
    /// </summary>
    [Fact]
    public async Task BrowserPageSignsIn()
    {
        ChromiumBrowser.RequireChromium();
        server.EnsureStarted();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ChromiumBrowser.LaunchAsync(playwright, "signin-" + server.Mode, 1000, 800);
        var tab = await BrowserTab.OpenAsync(browser, "signin", server.BaseUrl, []);
        var page = tab.Page;
        var timeout = new PageWaitForFunctionOptions { Timeout = ChromiumBrowser.TimeoutMs };
        async Task WaitForTextAsync(string selector, string text)
        {
            try
            {
                await page.WaitForFunctionAsync("([s, t]) => (document.querySelector(s)?.textContent ?? '').includes(t)", new[] { selector, text }, timeout);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{selector} never showed \"{text}\": {await tab.DescribeFailureAsync(E2eEnvironment.ArtifactsDir, $"signin-{server.Mode}-failure.png")}\n{server.Describe()}");
            }
        }

        await WaitForTextAsync("#signin-title", "Sign in");
        await page.FillAsync("#nickname", "not valid!");
        await page.ClickAsync("#sign-in");
        await WaitForTextAsync("#chat-error", "Sign-in failed: Names are 1 to 16 letters");

        await page.FillAsync("#nickname", "dave");
        await page.ClickAsync("#sign-in");
        await WaitForTextAsync("#signin-title", "Signed in as dave");
        await WaitForTextAsync("#chat-status", "connected as dave");
        await WaitForTextAsync("#messages", "Welcome, dave!");
        await WaitForTextAsync("#log", "I'm connected!"); // the echo panel's socket: connected (after the sign-in in handshake mode)

        await page.ClickAsync("#sign-out");
        await WaitForTextAsync("#signin-title", "Sign in");
        await page.FillAsync("#nickname", "erin");
        await page.ClickAsync("#sign-in");
        await WaitForTextAsync("#signin-title", "Signed in as erin");
        await WaitForTextAsync("#messages", "Welcome, erin!");
        var frame = await tab.WaitForFrameAsync("Welcome, erin!", TimeSpan.FromSeconds(5));
        Assert.NotNull(frame); // from the server, not the page
        await tab.ScreenshotAsync(E2eEnvironment.ArtifactsDir, $"demo-signin-{server.Mode}.png");
    }
}
