using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The demo chat in headless Debian Chromium (playwright-core, Tests/clients/chat-browser-test.js): three browsers
/// with fresh profiles (alice, bob, carol) on the gateway started without a profile. Refused nicknames, the user
/// list, a room message that reaches the room and not carol, a private message to both of alice's tabs, a broadcast
/// to everyone, leaving a room, signing out. Screenshots (chat-alice.png, chat-bob.png, chat-carol.png) go to
/// e2e-artifacts/ in the test output directory (or OS_E2E_ARTIFACTS_DIR).
/// </summary>
[Collection(DemoServerCollection.Name)]
public sealed class ChatBrowserTests(DemoServerFixture server, ITestOutputHelper output)
{
    [Fact]
    public async Task TwoBrowsersChatAndRoomMessagesStayInTheRoom()
    {
        E2eEnvironment.RequireNodeModules();
        Assert.True(File.Exists("/usr/bin/chromium"), "/usr/bin/chromium not found: run ./test.sh (it installs the Debian package chromium).");
        server.EnsureStarted();
        var result = await ExternalProcess.RunAsync(
            "node",
            ["chat-browser-test.js", server.BaseUrl, E2eEnvironment.ArtifactsDir, "30000"],
            E2eEnvironment.ClientsDir,
            TimeSpan.FromSeconds(180));
        E2eAssert.Succeeded(result, server, output);
    }
}
