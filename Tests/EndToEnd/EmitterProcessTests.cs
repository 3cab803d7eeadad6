using SocketIOClient.Transport;
using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The external emitter process (samples/Emitter: an Orleans client with <c>AddSocketIOClient()</c>)
/// joins the api-profile gateway's co-hosted silo through its Orleans gateway port and emits to a
/// room, a user and another namespace; SocketIOClient sockets check who got what.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class EmitterProcessTests(ApiServerFixture server, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<DotNetClient> _clients = [];
    private readonly string _run = "emitter-" + Guid.NewGuid().ToString("N")[..8];

    private static string EmitterDll => Path.Combine(E2eEnvironment.RepoRoot, "samples", "Emitter", "bin", "Release", "net10.0", "OrleansSocket.Emitter.dll");

    public Task InitializeAsync()
    {
        server.EnsureStarted();
        Assert.True(File.Exists(EmitterDll), $"{EmitterDll} not found: build first (dotnet build OrleansSocket.sln -c Release).");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients) await client.DisposeAsync();
    }

    private async Task<DotNetClient> Connect(string name, object? auth = null, string ns = "/")
    {
        var client = await DotNetClient.Connect(server.BaseUrl, name, TransportProtocol.WebSocket, auth, ns);
        _clients.Add(client);
        return client;
    }

    private async Task Emit(params string[] arguments)
    {
        var result = await ExternalProcess.RunAsync(
            "dotnet",
            [EmitterDll, .. arguments, "--Cluster:ClientGatewayPort", server.OrleansGatewayPort.ToString()],
            E2eEnvironment.RepoRoot,
            TimeSpan.FromSeconds(60));
        E2eAssert.Succeeded(result, server, output);
    }

    [Fact]
    public async Task EmitterProcessReachesRoomsUsersAndNamespaces()
    {
        var room = _run + "-room";
        var user = _run + "-user";
        var inRoom = await Connect("in-room");
        var userSocket = await Connect("user", new { user });
        var outside = await Connect("outside");
        var other = await Connect("other", ns: "/other");
        await inRoom.Call("join", room);

        // Each run of the process costs an Orleans client start: one emit to a room and a user (a union), one to a namespace.
        await Emit("--event", "news", "--data", """["to the room", {"n": 1}]""", "--room", room, "--user", user);
        foreach (var x in new[] { inRoom, userSocket })
        {
            var news = await x.Next("news");
            Assert.Equal("to the room", DotNetClient.Text(news, 0));
            Assert.Equal("""{"n":1}""", news.GetValue(1).GetRawText());
        }
        await outside.None("news", "an emit to a room and a user it is neither in nor of");
        await other.None("news", "an emit to \"/\" on \"/other\"");
        foreach (var x in new[] { inRoom, userSocket }) Assert.Equal(0, x.Count("news"));

        await Emit("--event", "ns_news", "--data", "[1, 2]", "--ns", "/other");
        var nsNews = await other.Next("ns_news");
        Assert.Equal(new[] { 1, 2 }, new[] { nsNews.GetValue<int>(0), nsNews.GetValue<int>(1) });
        await inRoom.None("ns_news", "an emit to \"/other\" on \"/\"");
    }
}
