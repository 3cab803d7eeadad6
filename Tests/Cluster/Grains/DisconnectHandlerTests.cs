using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using System.Collections.Concurrent;
using System.Text;
using Orleans.TestingHost;

namespace OrleansSocket.Tests.Grains;

/// <summary>
/// A disconnect handler that asks the cluster about sockets (<c>Server.FetchSocketsAsync()</c>, as the demo chat does for
/// its user list) reaches its own socket grain and the other sockets' grains while it runs. It must not wait for
/// them: the socket grain used to start deactivating before running the handler, so those calls queued behind the
/// deactivation until Orleans' 30 s response timeout.
/// </summary>
[Collection(FetchingDisconnectCluster.Name)]
public sealed class DisconnectHandlerTests(FetchingDisconnectCluster fixture)
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(10);
    private readonly RecordingGateway _gateway = new();

    private async Task<(ISocketGrain Grain, string Id)> ConnectAsync()
    {
        var id = Guid.NewGuid().ToString("N");
        var grain = fixture.Client.GetGrain<ISocketGrain>(id);
        var observer = fixture.Client.CreateObjectReference<IGatewayObserver>(_gateway);
        var handshake = new HandshakeInfo
        {
            Headers = new Dictionary<string, string>(),
            Query = new Dictionary<string, string>(),
            AuthJson = Encoding.UTF8.GetBytes("{}"),
            EngineIOVersion = 4,
        };
        var result = await grain.Connect(new SocketConnectRequest(FetchingDisconnectCluster.Namespace, "gw-test", observer, handshake));
        Assert.True(result.Accepted);
        return (grain, id);
    }

    [Fact]
    public async Task Disconnect_handler_can_fetch_the_sockets_of_its_namespace()
    {
        var (a, aId) = await ConnectAsync();
        var (_, bId) = await ConnectAsync();

        await a.Disconnected("transport close").WaitAsync(Quick);

        Assert.True(FetchingDisconnectCluster.Fetched.TryGetValue(aId, out var seen), "the disconnect handler did not finish");
        Assert.Contains(bId, seen);
        Assert.DoesNotContain(aId, seen); // a socket that is leaving is not listed any more
    }

    [Fact]
    public async Task Disconnect_handler_runs_after_the_socket_left_its_rooms()
    {
        // Node's socket leaves all its rooms before "disconnect": a handler that counts or fetches a room it was in
        // sees the others only.
        var (a, aId) = await ConnectAsync();
        var (_, bId) = await ConnectAsync();

        await a.Disconnected("client namespace disconnect").WaitAsync(Quick);

        Assert.True(FetchingDisconnectCluster.FetchedInRoom.TryGetValue(aId, out var inRoom), "the disconnect handler did not finish");
        Assert.Contains(bId, inRoom);
        Assert.DoesNotContain(aId, inRoom);
        Assert.Equal(inRoom.Length, FetchingDisconnectCluster.CountedInRoom[aId]);
    }

    [Fact]
    public async Task Sockets_disconnecting_together_can_fetch_each_other()
    {
        var (a, aId) = await ConnectAsync();
        var (b, bId) = await ConnectAsync();

        await Task.WhenAll(a.Disconnected("transport close"), b.Disconnected("transport close")).WaitAsync(Quick);

        Assert.True(FetchingDisconnectCluster.Fetched.ContainsKey(aId), "a's disconnect handler did not finish");
        Assert.True(FetchingDisconnectCluster.Fetched.ContainsKey(bId), "b's disconnect handler did not finish");
    }
}

/// <summary>A one-silo cluster whose namespace <see cref="Namespace"/> fetches its sockets when one disconnects.</summary>
public sealed class FetchingDisconnectCluster : IAsyncLifetime
{
    public const string Name = "Orleans cluster, fetching disconnect handler";
    public const string Namespace = "/fetching";

    /// <summary>What each socket's disconnect handler fetched, by socket id.</summary>
    public static readonly ConcurrentDictionary<string, string[]> Fetched = new();

    private InProcessTestCluster _cluster = null!;

    public IClusterClient Client => _cluster.Client;

    /// <summary>What each socket's disconnect handler fetched from the room every socket joins, by socket id.</summary>
    public static readonly ConcurrentDictionary<string, string[]> FetchedInRoom = new();

    /// <summary>What each socket's disconnect handler counted in that room, by socket id.</summary>
    public static readonly ConcurrentDictionary<string, int> CountedInRoom = new();

    /// <summary>The room every socket of <see cref="Namespace"/> joins when it connects.</summary>
    public const string Room = "lobby";

    public static void Register(ISocketIOBuilder io) =>
        io.OnConnect((ISocket socket) => socket.JoinAsync(Room), Namespace)
          .OnDisconnect(async (ISocket socket) =>
        {
            var sockets = await socket.Server.Of(Namespace).FetchSocketsAsync();
            Fetched[socket.Id] = [.. sockets.Select(s => s.Id)];
            var inRoom = await socket.Server.Of(Namespace).In(Room).FetchSocketsAsync();
            FetchedInRoom[socket.Id] = [.. inRoom.Select(s => s.Id)];
            CountedInRoom[socket.Id] = await socket.Server.Of(Namespace).In(Room).CountAsync();
        }, Namespace);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddSocketIOGrainsCore().AddHandlers(Register));
        builder.ConfigureClient(client => client.AddSocketIOStreams());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }
}

[CollectionDefinition(FetchingDisconnectCluster.Name)]
public sealed class FetchingDisconnectClusterCollection : ICollectionFixture<FetchingDisconnectCluster>;
