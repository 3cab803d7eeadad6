using OrleansSocket.Tests.EndToEnd;

namespace OrleansSocket.Tests.Cluster;

/// <summary>
/// A cluster configured by Orleans' standard keys alone, as Aspire's Orleans integration sets them (no <c>Cluster</c>
/// section): redis-server on a free port, a test silo given <c>Orleans__...</c> environment variables, a test gateway
/// (an Orleans client, <c>--mode Client</c>) given <c>--Orleans:...</c> on its command line, and socket.io-client 4.x
/// sockets on the gateway (Tests/clients/cluster-driver.js).
/// </summary>
[Trait("Category", "MultiProcess")]
[Collection(OrleansKeysClusterCollection.Name)]
public sealed class OrleansKeysClusterTests(OrleansKeysClusterFixture cluster)
{
    [Fact]
    public async Task A_client_emits_and_gets_its_ack_and_a_room_broadcast()
    {
        cluster.EnsureStarted();
        await using var node = NodeDriver.Start();
        await node.Connect("alice", cluster.GatewayUrl, new { user = "alice" });
        await node.Connect("bob", cluster.GatewayUrl, new { user = "bob" });

        // Acks from the handler in the silo process: the grain call crossed the Redis-clustered cluster.
        Assert.Equal("alice", (string?)(await node.Emit("alice", "whoami"))?["user"]);
        Assert.True((bool?)await node.Emit("alice", "join", "lobby"));
        Assert.True((bool?)await node.Emit("bob", "join", "lobby"));

        // A room broadcast: the broadcast stream, its pub-sub store in Redis (Orleans:GrainStorage:PubSubStore).
        Assert.True((bool?)await node.Emit("alice", "room-say", "lobby", "hello"));
        await node.WaitUntil(() => node.Events("bob", "room-msg").Count > 0, TimeSpan.FromSeconds(10), "bob gets alice's room message");
        Assert.Contains("hello", node.Events("bob", "room-msg")[0].ToJsonString());
    }
}

/// <summary>The processes of <see cref="OrleansKeysClusterTests"/>, started once, killed with their trees at the end.</summary>
public sealed class OrleansKeysClusterFixture : IAsyncLifetime
{
    private const string RedisServer = "/usr/bin/redis-server";
    private readonly List<BackgroundProcess> _processes = [];
    private string? _startError;

    public string GatewayUrl { get; private set; } = "";

    public void EnsureStarted()
    {
        if (_startError is not null) Assert.Fail(_startError);
    }

    public async Task InitializeAsync()
    {
        try
        {
            foreach (var file in new[] { RedisServer, E2eEnvironment.TestSiloDll, E2eEnvironment.TestGatewayDll })
                if (!File.Exists(file)) throw new FileNotFoundException($"{file} not found: build first and install redis-server, or run ./test.sh");

            var redisPort = E2eEnvironment.FreePort();
            var redis = Start(BackgroundProcess.Start("redis", RedisServer, Path.GetTempPath(),
                ["--port", redisPort.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]));
            await redis.WaitForPortAsync(redisPort);

            var clusterId = "orleans-keys-" + Guid.NewGuid().ToString("N")[..8];
            var redisAddress = $"127.0.0.1:{redisPort}";
            var (siloPort, gatewayPort) = (E2eEnvironment.FreePort(), E2eEnvironment.FreePort());
            // Environment variables, the way Aspire hands them to a silo project.
            var silo = Start(BackgroundProcess.Start("silo", "dotnet", E2eEnvironment.TestSiloDir,
                [E2eEnvironment.TestSiloDll, "--profile", "cluster"],
                new Dictionary<string, string>
                {
                    ["Orleans__ClusterId"] = clusterId,
                    ["Orleans__ServiceId"] = clusterId,
                    ["Orleans__Clustering__ProviderType"] = "Redis",
                    ["Orleans__Clustering__ConnectionString"] = redisAddress,
                    ["Orleans__GrainStorage__PubSubStore__ProviderType"] = "Redis",
                    ["Orleans__GrainStorage__PubSubStore__ConnectionString"] = redisAddress,
                    ["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1",
                    ["Orleans__Endpoints__SiloPort"] = siloPort.ToString(),
                    ["Orleans__Endpoints__GatewayPort"] = gatewayPort.ToString(),
                }));
            await silo.WaitForPortAsync(gatewayPort);

            // The command line, for the gateway: an Orleans client of the silo.
            var httpPort = E2eEnvironment.FreePort();
            GatewayUrl = $"http://127.0.0.1:{httpPort}";
            var gateway = Start(BackgroundProcess.Start("gateway", "dotnet", E2eEnvironment.TestGatewayDir,
                [E2eEnvironment.TestGatewayDll, "--profile", "cluster", "--mode", "Client", "--urls", GatewayUrl,
                 $"--Orleans:ClusterId={clusterId}", $"--Orleans:ServiceId={clusterId}",
                 "--Orleans:Clustering:ProviderType=Redis", $"--Orleans:Clustering:ConnectionString={redisAddress}"]));
            await gateway.WaitForPortAsync(httpPort);
        }
        catch (Exception e)
        {
            _startError = $"the cluster did not start: {e.Message}\n{string.Join("\n", _processes.Select(p => p.Output))}";
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes)) await process.DisposeAsync();
    }

    private BackgroundProcess Start(BackgroundProcess process)
    {
        _processes.Add(process);
        return process;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OrleansKeysClusterCollection : ICollectionFixture<OrleansKeysClusterFixture>
{
    public const string Name = "E2E cluster configured by Orleans' standard keys";
}
