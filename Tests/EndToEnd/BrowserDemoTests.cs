using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// Headless Debian Chromium (playwright-core) opens the gateway's demo page, started without a
/// profile, and waits for the server's answer in <c>#log</c> (Tests/clients/browser-test.js).
/// The screenshot goes to e2e-artifacts/ in the test output directory (or OS_E2E_ARTIFACTS_DIR).
/// </summary>
[Collection(DemoServerCollection.Name)]
public sealed class BrowserDemoTests(DemoServerFixture server, ITestOutputHelper output)
{
    [Fact]
    public async Task DemoPageConnectsInChromium()
    {
        E2eEnvironment.RequireNodeModules();
        Assert.True(File.Exists("/usr/bin/chromium"), "/usr/bin/chromium not found: run ./test.sh (it installs the Debian package chromium).");
        server.EnsureStarted();
        var screenshot = Path.Combine(E2eEnvironment.ArtifactsDir, "demo-page.png");
        var result = await ExternalProcess.RunAsync(
            "node",
            ["browser-test.js", server.BaseUrl, screenshot, "30000"],
            E2eEnvironment.ClientsDir,
            TimeSpan.FromSeconds(90));
        E2eAssert.Succeeded(result, server, output);
    }
}
