using System.Text;

namespace OrleansSocket.Tests.Grains;

/// <summary>
/// Node loss at the grain layer: a socket re-asserted after its grains were lost with a silo, and a gateway that
/// misses its lease in the <see cref="IGatewayMembershipGrain"/> losing its sockets.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GatewayLossTests(ClusterFixture fixture)
{
    private readonly RecordingGateway _gateway = new();

    private SocketConnectRequest Request(string gatewayId, string ns = "/") => new(ns, gatewayId,
        fixture.Client.CreateObjectReference<IGatewayObserver>(_gateway),
        new HandshakeInfo
        {
            Headers = new Dictionary<string, string>(),
            Query = new Dictionary<string, string>(),
            AuthJson = "{}"u8.ToArray(),
            EngineIOVersion = 4,
        });

    private static string NewId() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Restore_rebuilds_a_socket_whose_grain_was_lost_from_the_gateways_copy()
    {
        var (id, room, user) = (NewId(), "room-" + NewId(), "user-" + NewId());
        var grain = fixture.Client.GetGrain<ISocketGrain>(id);

        // A socket id this cluster never saw connect: as after the silo holding its grain died.
        await grain.Restore(new SocketRestoreRequest(Request("gw-restore"), [room], user));

        var described = await grain.Describe();
        Assert.NotNull(described);
        Assert.Equal("gw-restore", described.GatewayId);
        Assert.Equal(user, described.UserId);
        Assert.Contains(room, described.Rooms);
        Assert.Contains(id, await fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of("/", room)).Members());
        Assert.Contains(id, await fixture.Client.GetGrain<INamespaceGrain>("/").Members());
        Assert.Contains(await fixture.Client.GetGrain<IUserGrain>(user).Sockets(), s => s.SocketId == id && s.GatewayId == "gw-restore");
        var ack = await grain.HandleEvent(new ClientEvent("add", new SocketPayload("[1,2]"u8.ToArray()), true));
        Assert.Equal("[3]", Encoding.UTF8.GetString(ack!.ArgsJson));
        await grain.Disconnected("transport close");
    }

    [Fact]
    public async Task Restore_of_a_live_socket_keeps_its_own_state()
    {
        var (id, room) = (NewId(), "room-" + NewId());
        var grain = fixture.Client.GetGrain<ISocketGrain>(id);
        Assert.True((await grain.Connect(Request("gw-live"))).Accepted);
        await grain.JoinRooms([room]);
        await grain.HandleEvent(new ClientEvent("remember", new SocketPayload("[\"kept\"]"u8.ToArray()), false));

        await grain.Restore(new SocketRestoreRequest(Request("gw-live"), [], null));

        Assert.Contains(room, (await grain.Describe())!.Rooms);
        Assert.Contains(id, await fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of("/", room)).Members());
        var recalled = await grain.HandleEvent(new ClientEvent("recall", SocketPayload.Empty, true));
        Assert.Equal("[\"kept\"]", Encoding.UTF8.GetString(recalled!.ArgsJson));
        await grain.Disconnected("transport close");
    }

    [Fact]
    public async Task A_gateway_that_misses_its_lease_loses_its_sockets()
    {
        var (gatewayId, id, room) = ("gw-" + NewId(), NewId(), "room-" + NewId());
        var membership = fixture.Client.GetGrain<IGatewayMembershipGrain>(IGatewayMembershipGrain.Key);
        var lease = TimeSpan.FromMilliseconds(300);
        Assert.Equal(GatewayLeaseStatus.New, (await membership.Heartbeat(new GatewayHeartbeat(gatewayId, lease, ["/"]))).Status);
        var grain = fixture.Client.GetGrain<ISocketGrain>(id);
        Assert.True((await grain.Connect(Request(gatewayId))).Accepted);
        await grain.JoinRooms([room]);
        Assert.Equal(GatewayLeaseStatus.Renewed, (await membership.Heartbeat(new GatewayHeartbeat(gatewayId, lease, ["/"]))).Status);
        Assert.Contains(gatewayId, await membership.Gateways());

        // No more heartbeats: within the lease plus the check period, the socket is gone everywhere.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (TestHandlers.DisconnectReasons.GetValueOrDefault(id) is null)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the gateway's socket was not dropped");
            await Task.Delay(50);
        }
        Assert.Equal("transport close", TestHandlers.DisconnectReasons[id]);
        Assert.DoesNotContain(gatewayId, await membership.Gateways());
        Assert.DoesNotContain(id, await fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of("/", room)).Members());
        Assert.DoesNotContain(id, await fixture.Client.GetGrain<INamespaceGrain>("/").Members());
        Assert.Null(await grain.Describe());

        // Should it come back (a long pause), it learns it was declared dead, and holds a lease again.
        Assert.Equal(GatewayLeaseStatus.WasDeclaredDead, (await membership.Heartbeat(new GatewayHeartbeat(gatewayId, TimeSpan.FromMinutes(1), []))).Status);
        await membership.Unregister(gatewayId);
        Assert.DoesNotContain(gatewayId, await membership.Gateways());
    }

    [Fact]
    public async Task A_gateway_that_dies_before_reporting_a_namespace_still_loses_its_sockets_there()
    {
        var (gatewayId, id, room) = ("gw-" + NewId(), NewId(), "room-" + NewId());
        const string ns = "/";
        var membership = fixture.Client.GetGrain<IGatewayMembershipGrain>(IGatewayMembershipGrain.Key);
        // Its only heartbeat came before any client: it reported no namespace, and it sends none after.
        Assert.Equal(GatewayLeaseStatus.New, (await membership.Heartbeat(new GatewayHeartbeat(gatewayId, TimeSpan.FromMilliseconds(300), []))).Status);
        var grain = fixture.Client.GetGrain<ISocketGrain>(id);
        Assert.True((await grain.Connect(Request(gatewayId, ns))).Accepted);
        await grain.JoinRooms([room]);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (TestHandlers.DisconnectReasons.GetValueOrDefault(id) is null)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the socket of a gateway that never reported its namespace was not dropped");
            await Task.Delay(50);
        }
        Assert.DoesNotContain(id, await fixture.Client.GetGrain<INamespaceGrain>(ns).Members());
        Assert.DoesNotContain(id, await fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of(ns, room)).Members());
        Assert.Null(await grain.Describe());
    }

    [Fact]
    public async Task A_gateway_that_missed_its_lease_but_answers_a_ping_keeps_its_sockets()
    {
        var (gatewayId, id) = ("gw-" + NewId(), NewId());
        var membership = fixture.Client.GetGrain<IGatewayMembershipGrain>(IGatewayMembershipGrain.Key);
        var observer = fixture.Client.CreateObjectReference<IGatewayObserver>(_gateway);
        await membership.Heartbeat(new GatewayHeartbeat(gatewayId, TimeSpan.FromMilliseconds(300), ["/"], observer));
        var grain = fixture.Client.GetGrain<ISocketGrain>(id);
        Assert.True((await grain.Connect(Request(gatewayId))).Accepted);

        // No heartbeat for several leases (a slow gateway, or a second membership activation): the ping keeps it alive.
        await Task.Delay(1500);
        Assert.Contains(gatewayId, await membership.Gateways());
        Assert.NotNull(await grain.Describe());
        Assert.Equal(GatewayLeaseStatus.Renewed, (await membership.Heartbeat(new GatewayHeartbeat(gatewayId, TimeSpan.FromMinutes(1), ["/"], observer))).Status);
        await membership.Unregister(gatewayId);
        await grain.Disconnected("transport close");
    }
}
