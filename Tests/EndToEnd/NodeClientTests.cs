using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The official Node.js clients against the protocol profile (heartbeat relaxed, <see cref="ClientServerFixture"/>): socket.io-client 4.8.x and 3.1.3
/// (EIO4) and 2.2.0 (EIO3), each over polling only, websocket only and polling upgraded to
/// websocket (Tests/clients/client.js).
/// </summary>
[Collection(ClientServerCollection.Name)]
public sealed class NodeClientTests(ClientServerFixture server, ITestOutputHelper output)
{
    [Theory]
    [InlineData(4, "polling")]
    [InlineData(4, "websocket")]
    [InlineData(4, "upgrade")]
    [InlineData(3, "polling")]
    [InlineData(3, "websocket")]
    [InlineData(3, "upgrade")]
    [InlineData(2, "polling")]
    [InlineData(2, "websocket")]
    [InlineData(2, "upgrade")]
    public async Task OfficialClient(int version, string mode)
    {
        E2eEnvironment.RequireNodeModules();
        server.EnsureStarted();
        var result = await ExternalProcess.RunAsync(
            "node",
            ["client.js", version.ToString(), mode, server.BaseUrl, "30000"],
            E2eEnvironment.ClientsDir,
            TimeSpan.FromSeconds(60));
        E2eAssert.Succeeded(result, server, output);
    }
}
