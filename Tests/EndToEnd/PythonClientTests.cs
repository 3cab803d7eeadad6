using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>Debian's python3-socketio client (EIO4) against the protocol profile, heartbeat relaxed (<see cref="ClientServerFixture"/>; Tests/clients/python_client.py).</summary>
[Collection(ClientServerCollection.Name)]
public sealed class PythonClientTests(ClientServerFixture server, ITestOutputHelper output)
{
    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    [InlineData("upgrade")]
    public async Task PythonSocketIoClient(string mode)
    {
        E2eEnvironment.RequirePython();
        server.EnsureStarted();
        var result = await ExternalProcess.RunAsync(
            E2eEnvironment.PythonPath,
            ["python_client.py", mode, server.BaseUrl, "30"],
            E2eEnvironment.ClientsDir,
            TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1", ["PYTHONNOUSERSITE"] = "1" });
        E2eAssert.Succeeded(result, server, output);
    }
}
