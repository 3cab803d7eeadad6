using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using OrleansSocket.Grains.Adapters;
using OrleansSocket.Tests.Grains;

namespace OrleansSocket.Tests.Adapters;

/// <summary>
/// Liveness on the Orleans adapter: a node that stops renewing its lease (<see cref="SocketIOAdapter.RenewLeaseAsync"/>)
/// is declared dead once the membership's clock passed the lease, and its sockets are dropped cluster-wide. The
/// membership's clock is a <see cref="FakeTimeProvider"/>; only the cluster's own processing is waited for.
/// </summary>
[Collection(LeaseClusterCollection.Name)]
public sealed class OrleansAdapterLeaseTests(LeaseClusterFixture fixture)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static string NewId() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_node_that_stops_renewing_its_lease_loses_its_sockets()
    {
        var (node, id, room) = ("node-" + NewId(), NewId(), "room-" + NewId());
        var adapter = fixture.Adapter;
        Assert.Equal(GatewayLeaseStatus.New, (await adapter.RenewLeaseAsync(new GatewayHeartbeat(node, Lease, ["/"])))!.Status);
        var grain = fixture.Client.GetGrain<ISocketGrain>(id);
        Assert.True((await grain.Connect(fixture.Request(node))).Accepted);
        await grain.JoinRooms([room]);
        var inRoom = new BroadcastOptions("/") { Rooms = [room] };
        Assert.Equal(1, await adapter.CountAsync(inRoom));

        // Within the lease nothing happens; past it (no renewal), the node is declared dead.
        fixture.Clock.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Equal(GatewayLeaseStatus.Renewed, (await adapter.RenewLeaseAsync(new GatewayHeartbeat(node, Lease, ["/"])))!.Status);
        fixture.Clock.Advance(Lease + TimeSpan.FromSeconds(1));

        // As in socket.io, the socket leaves its rooms before its disconnect handler runs: wait for both.
        await LeaseClusterFixture.UntilAsync(async () => await adapter.CountAsync(inRoom) == 0 && TestHandlers.DisconnectReasons.ContainsKey(id),
            "the dead node's socket was not dropped, or its disconnect handler did not run");
        Assert.Equal("transport close", TestHandlers.DisconnectReasons[id]);
        Assert.Null(await grain.Describe());
        Assert.Equal(0, await adapter.CountAsync(new BroadcastOptions("/") { Rooms = [id] }));
        // Should it come back (a long pause), it learns it was declared dead.
        Assert.Equal(GatewayLeaseStatus.WasDeclaredDead, (await adapter.RenewLeaseAsync(new GatewayHeartbeat(node, Lease, [])))!.Status);
        await adapter.ReleaseLeaseAsync(node);
    }

    [Fact]
    public async Task A_node_that_renews_its_lease_keeps_its_sockets()
    {
        var (node, id) = ("node-" + NewId(), NewId());
        var adapter = fixture.Adapter;
        await adapter.RenewLeaseAsync(new GatewayHeartbeat(node, Lease, ["/"]));
        var grain = fixture.Client.GetGrain<ISocketGrain>(id);
        Assert.True((await grain.Connect(fixture.Request(node))).Accepted);

        for (var i = 0; i < 4; i++)
        {
            fixture.Clock.Advance(Lease / 2);
            Assert.Equal(GatewayLeaseStatus.Renewed, (await adapter.RenewLeaseAsync(new GatewayHeartbeat(node, Lease, ["/"])))!.Status);
        }

        Assert.NotNull(await grain.Describe());
        Assert.Equal(1, await adapter.CountAsync(new BroadcastOptions("/") { Rooms = [id] }));
        await adapter.ReleaseLeaseAsync(node);
        await grain.Disconnected("transport close");
    }
}

/// <summary>The tests on <see cref="LeaseClusterFixture"/>: one after the other, as they move its one clock.</summary>
[CollectionDefinition(Name)]
public sealed class LeaseClusterCollection : ICollectionFixture<LeaseClusterFixture>
{
    public const string Name = "Orleans cluster on a fake clock";
}

/// <summary>A one-silo cluster whose clock (the gateway membership's leases) is a <see cref="FakeTimeProvider"/>.</summary>
public sealed class LeaseClusterFixture : IAsyncLifetime
{
    private readonly RecordingGateway _gateway = new();

    public FakeTimeProvider Clock { get; } = new();
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;
    internal SocketIOAdapter Adapter { get; private set; } = null!;

    internal SocketConnectRequest Request(string node) => new("/", node, Client.CreateObjectReference<IGatewayObserver>(_gateway),
        new HandshakeInfo { Headers = new Dictionary<string, string>(), Query = new Dictionary<string, string>(), AuthJson = "{}"u8.ToArray(), EngineIOVersion = 4 });

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSocketIOGrainsCore().AddHandlers(TestHandlers.Register);
            silo.Services.AddSingleton<TimeProvider>(Clock);
        });
        builder.ConfigureClient(client => client.Services.AddSocketIOEmitter());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Adapter = Client.ServiceProvider.GetRequiredService<SocketIOAdapter>();
    }

    /// <summary>
    /// Waits for the cluster to act on what the fake clock decided (grain timers, calls between grains): only the
    /// cluster's own processing is waited for, with a bound generous enough for a loaded machine.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string failure)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail(failure);
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
