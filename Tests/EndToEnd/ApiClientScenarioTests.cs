using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The server API (test gateway <c>--profile api</c>, Tests/Hosts/TestHandlers/ApiHandlers.cs) driven by official
/// clients with several connections each: Tests/clients/api-client.js (socket.io-client 4.8.x, 3.1.3
/// and 2.2.0) and python_api_client.py (Debian's python3-socketio). Each scenario covers binary and
/// multi-argument events, acks both ways and the server's ack timeout, broadcast acks, rooms (To,
/// Except, Server.To, CloseRoom, Rooms), users, broadcast, Send/json, volatile, the catch-all,
/// another namespace, refusals by the connect handler and by middleware, the cluster-wide utilities
/// (FetchSockets, Count, SocketsJoin/Leave, DisconnectSockets), the disconnect handler's reasons and
/// the hosted service's periodic emit; every wait is bounded and a failure names its step.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class ApiClientScenarioTests(ApiServerFixture server, ITestOutputHelper output)
{
    [Theory]
    [InlineData(4, "polling")]
    [InlineData(4, "websocket")]
    [InlineData(4, "upgrade")]
    [InlineData(3, "websocket")]
    [InlineData(2, "polling")]
    [InlineData(2, "websocket")]
    public async Task NodeClient(int version, string mode)
    {
        E2eEnvironment.RequireNodeModules();
        server.EnsureStarted();
        var result = await ExternalProcess.RunAsync(
            "node",
            ["api-client.js", version.ToString(), mode, server.BaseUrl, "90000"],
            E2eEnvironment.ClientsDir,
            TimeSpan.FromSeconds(120));
        E2eAssert.Succeeded(result, server, output);
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    [InlineData("upgrade")]
    public async Task PythonClient(string mode)
    {
        E2eEnvironment.RequirePython();
        server.EnsureStarted();
        var result = await ExternalProcess.RunAsync(
            E2eEnvironment.PythonPath,
            ["python_api_client.py", mode, server.BaseUrl, "90"],
            E2eEnvironment.ClientsDir,
            TimeSpan.FromSeconds(120),
            new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1", ["PYTHONNOUSERSITE"] = "1" });
        E2eAssert.Succeeded(result, server, output);
    }
}
