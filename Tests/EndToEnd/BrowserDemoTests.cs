using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// Headless Debian Chromium driven by Playwright for .NET (<see cref="ChromiumBrowser"/>) opens the demo page of
/// the demo gateway (Gateway/Host): <c>#log</c> must show "I'm connected!" (the server's answer to the page's "my event"), the
/// text must have come from the server (a received WebSocket frame or polling response carries it) and the page's
/// global <c>socket</c> must be connected. The screenshot (demo-page.png) goes to e2e-artifacts/ in the test output
/// directory (or OS_E2E_ARTIFACTS_DIR).
/// </summary>
[Collection(DemoServerCollection.Name)]
public sealed class BrowserDemoTests(DemoServerFixture server, ITestOutputHelper output)
{
    private const string Expected = "I'm connected!";

    [Fact]
    public async Task DemoPageConnectsInChromium()
    {
        ChromiumBrowser.RequireChromium();
        server.EnsureStarted();
        var baseUrl = server.BaseUrl;
        var screenshot = Path.Combine(E2eEnvironment.ArtifactsDir, "demo-page.png");
        var overall = TimeSpan.FromMilliseconds(ChromiumBrowser.TimeoutMs + 60_000);

        using var playwright = await Playwright.CreateAsync();
        ChromiumBrowser? browser = null;
        BrowserTab? tab = null;
        try
        {
            await RunAsync().WaitAsync(overall);
        }
        catch (Exception ex) when (ex is BrowserCheckException or PlaywrightException or System.TimeoutException)
        {
            var what = ex is System.TimeoutException
                ? $"overall timeout of {overall.TotalSeconds:0} s exceeded"
                : ex.Message;
            var details = tab is null ? "" : await tab.DescribeFailureAsync(E2eEnvironment.ArtifactsDir, "demo-page-failure.png");
            Assert.Fail($"FAIL browser {baseUrl}/: {what}\n{details}{server.Describe()}");
        }
        finally
        {
            if (browser is not null)
            {
                await browser.DisposeAsync();
            }
        }

        async Task RunAsync()
        {
            browser = await ChromiumBrowser.LaunchAsync(playwright, "demo", 1024, 640);
            tab = await BrowserTab.OpenAsync(browser, "demo", baseUrl, []);
            var page = tab.Page;

            try
            {
                await page.WaitForFunctionAsync(
                    "text => { const log = document.querySelector('#log'); return !!log && log.textContent.includes(text); }",
                    Expected);
            }
            catch (PlaywrightException)
            {
                var actual = await tab.TryTextContentAsync("#log");
                throw new BrowserCheckException($"#log never contained \"{Expected}\" (it shows \"{actual}\")");
            }

            // `socket` may be a global lexical binding (const/let) or a window property
            var connected = await page.EvaluateAsync<bool?>(
                "() => { const s = typeof socket !== 'undefined' ? socket : window.socket; return s ? s.connected === true : null; }");
            if (connected is null)
            {
                throw new BrowserCheckException("the page has no global `socket`");
            }

            if (connected is false)
            {
                throw new BrowserCheckException("the page's socket.connected is false");
            }

            // the log line must come from the server: some received frame/response carries it
            var fromServer = await tab.WaitForFrameAsync(Expected, TimeSpan.FromSeconds(2))
                ?? throw new BrowserCheckException($"#log shows \"{Expected}\" but no message from the server carried it");

            await tab.ScreenshotAsync(Path.GetDirectoryName(screenshot)!, Path.GetFileName(screenshot));
            var log = Regex.Replace((await page.TextContentAsync("#log") ?? "").Trim(), @"\s+", " ");
            output.WriteLine($"#log: {log}");
            output.WriteLine($"from the server: {fromServer}");
            output.WriteLine($"screenshot: {screenshot}");
            output.WriteLine($"PASS browser ({ChromiumBrowser.ExecutablePath}) {baseUrl}/");
        }
    }
}
