using System.Text;

namespace OrleansSocket.Tests.Grains;

/// <summary>
/// Node loss at the grain layer: a socket re-asserted after its grains were lost with a silo. A gateway that misses its
/// lease in the <see cref="IGatewayMembershipGrain"/> losing its sockets: <see cref="GatewayLeaseTests"/> (a fake clock).
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
}
