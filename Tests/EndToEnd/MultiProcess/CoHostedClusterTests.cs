using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace OrleansSocket.Tests.Cluster;

/// <summary>The co-hosted shape: redis and two test gateway processes, each also a silo (no silo processes).</summary>
public sealed class CoHostedClusterFixture : MultiProcessClusterFixture
{
    protected override bool CoHosted => true;
}

/// <summary>One co-hosted cluster for the class, alone (not in parallel with other tests).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CoHostedClusterCollection : ICollectionFixture<CoHostedClusterFixture>
{
    public const string Name = "Co-hosted cluster (redis + 2 gateways that are silos)";
}

/// <summary>
/// The co-hosted cluster (docs/scale-out.md, "Three shapes"): official socket.io-client 4.x sockets on two gateway
/// processes that are also the cluster's two silos. A socket's grain lives in the process holding its connection;
/// rooms, acks and the external emitter work across both.
/// </summary>
[Collection(CoHostedClusterCollection.Name)]
[Trait("Category", "MultiProcess")]
public sealed class CoHostedClusterTests(CoHostedClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private NodeDriver _node = null!;

    public Task InitializeAsync()
    {
        cluster.EnsureStarted();
        output.WriteLine($"cluster started in {cluster.StartupTime.TotalMilliseconds:F0} ms (redis, 2 co-hosted gateways, test client)");
        _node = NodeDriver.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public Task EachSocketsGrainLivesInTheProcessHoldingItsConnection() => Run(async () =>
    {
        var management = cluster.Grains.GetGrain<IManagementGrain>(0);
        for (var i = 0; i < cluster.Gateways.Length; i++)
        {
            for (var n = 0; n < 3; n++)
            {
                var id = await _node.Connect($"s{i}-{n}", cluster.GatewayUrls[i]);
                var silo = await management.GetActivationAddress(cluster.Grains.GetGrain<ISocketGrain>(id));
                Assert.NotNull(silo);
                Assert.Equal(cluster.Gateways[i].SiloPort, silo.Endpoint.Port);
            }
        }
    });

    [Fact]
    public Task RoomBroadcastsAndTheEmitterReachBothNodes() => Run(async () =>
    {
        await _node.Connect("a", cluster.GatewayUrls[0]);
        var b = await _node.Connect("b", cluster.GatewayUrls[1]);
        foreach (var ack in await Task.WhenAll(_node.Emit("a", "join", "co-room"), _node.Emit("b", "join", "co-room")))
            Assert.Equal(true, (bool?)ack);

        Assert.Equal(true, (bool?)await _node.Emit("a", "room-say", "co-room", "from a"));
        await _node.WaitUntil(() => Got("a", "from a") == 1 && Got("b", "from a") == 1, Wait, "a's room message on both nodes");

        await cluster.Emitter.In("co-room").EmitAsync("room-msg", "from outside");
        await _node.WaitUntil(() => Got("a", "from outside") == 1 && Got("b", "from outside") == 1, Wait, "the emitter's message on both nodes");
        var members = (await cluster.Emitter.In("co-room").FetchSocketsAsync()).Select(s => s.Id).ToArray();
        Assert.Contains(b, members);
        Assert.Equal(2, members.Length);
    });

    private int Got(string id, string text) => _node.Events(id, "room-msg").Count(args => JsonNode.DeepEquals(args[0], JsonValue.Create(text)));

    private Task Run(Func<Task> test) => cluster.RunWithLogsAsync(_node, output, test);
}
