using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The Engine.IO v4 / v3 and Socket.IO v5 protocol conformance suites (Tests/protocol-suites,
/// mocha) against the protocol profile, with the timings of <see cref="ProtocolServerFixture"/>; each suite is one
/// test case that fails with mocha's report.
/// </summary>
[Collection(ProtocolServerCollection.Name)]
public sealed class ProtocolSuiteTests(ProtocolServerFixture server, ITestOutputHelper output)
{
    [Fact]
    public Task EngineIoV4Suite() => RunSuite("engine.io-v4");

    [Fact]
    public Task EngineIoV3Suite() => RunSuite("engine.io-v3");

    [Fact]
    public Task SocketIoV5Suite() => RunSuite("socket.io-v5");

    private async Task RunSuite(string suite)
    {
        E2eEnvironment.RequireNodeModules();
        server.EnsureStarted();
        var suiteFile = Path.Combine(E2eEnvironment.SuitesDir, suite, "test-suite.mjs");
        Assert.True(File.Exists(suiteFile), $"{suiteFile} is missing");
        var result = await ExternalProcess.RunAsync(
            "node",
            [Path.Combine("node_modules", "mocha", "bin", "mocha.js"), "--exit", "--reporter", "spec", "--no-colors", suiteFile],
            E2eEnvironment.ClientsDir,
            TimeSpan.FromSeconds(180),
            new Dictionary<string, string>
            {
                ["PROTOCOL_SUITE_URL"] = server.BaseUrl,
                ["PROTOCOL_SUITE_PING_INTERVAL"] = server.PingInterval.ToString(),
                ["PROTOCOL_SUITE_PING_TIMEOUT"] = server.PingTimeout.ToString(),
                ["PROTOCOL_SUITE_CONNECT_TIMEOUT"] = server.ConnectTimeout.ToString(),
            });
        E2eAssert.Succeeded(result, server, output);
    }
}
