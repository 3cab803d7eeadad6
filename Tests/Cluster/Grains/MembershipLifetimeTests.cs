namespace OrleansSocket.Tests.Grains;

/// <summary>
/// Room, namespace and user grains keep their members in memory: they must survive idle collection while they
/// have members, and be collectable once empty (no eager deactivation racing a join on its way).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class MembershipLifetimeTests(ClusterFixture fixture)
{
    private IManagementGrain Management => fixture.Client.GetGrain<IManagementGrain>(0);

    private static string NewId() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Room_namespace_and_user_with_members_survive_activation_collection()
    {
        var (socket, gateway, ns, user) = (NewId(), "gw-" + NewId(), "/ns-" + NewId(), "user-" + NewId());
        var room = fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of(ns, "quiet-room"));
        var space = fixture.Client.GetGrain<INamespaceGrain>(ns);
        var users = fixture.Client.GetGrain<IUserGrain>(user);
        await room.Join(socket, gateway);
        await space.Join(socket, gateway);
        await users.Add(new UserSocket(socket, ns, gateway));

        // Every activation idle for any time at all is collected now, as after the collection age without calls.
        await Task.Delay(100);
        await Management.ForceActivationCollection(TimeSpan.Zero);

        Assert.Equal([socket], await room.Members());
        Assert.Equal([gateway], await room.Gateways());
        Assert.Equal([socket], await space.Members());
        Assert.Equal(socket, Assert.Single(await users.Sockets()).SocketId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Room_and_namespace_keep_members_by_gateway_alike(bool isRoom)
    {
        var (ns, a, b, gw1, gw2) = ("/ns-" + NewId(), NewId(), NewId(), "gw-" + NewId(), "gw-" + NewId());
        IMembershipGrain grain = isRoom
            ? fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of(ns, "room"))
            : fixture.Client.GetGrain<INamespaceGrain>(ns);
        await grain.Join(a, gw1);
        await grain.Join(b, gw1);
        await grain.Join(b, gw2); // moved (a recovered session on another gateway)
        Assert.Equal(new[] { gw1, gw2 }.Order(), (await grain.Gateways()).Order());
        await grain.Leave(a);
        Assert.Equal([gw2], await grain.Gateways());
        Assert.Equal([b], await grain.Members());
        await grain.Leave(b);
        await grain.Leave(b); // not a member any more: nothing
        Assert.Empty(await grain.Members());
        Assert.Empty(await grain.Gateways());
    }

    [Fact]
    public async Task Empty_room_and_user_are_collected()
    {
        var (socket, gateway, user) = (NewId(), "gw-" + NewId(), "user-" + NewId());
        var room = fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of("/", "room-" + NewId()));
        var users = fixture.Client.GetGrain<IUserGrain>(user);
        await room.Join(socket, gateway);
        await users.Add(new UserSocket(socket, "/", gateway));
        await room.Leave(socket);
        await users.Remove(socket);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await Management.GetActivationAddress(room) is not null || await Management.GetActivationAddress(users) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "an empty room or user grain stayed active after a forced collection");
            await Task.Delay(100);
            await Management.ForceActivationCollection(TimeSpan.Zero);
        }
    }

    [Fact]
    public async Task Leaving_and_joining_again_at_once_never_loses_the_member()
    {
        var (socket, gateway) = (NewId(), "gw-" + NewId());
        var room = fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of("/", "flicker-" + NewId()));
        var users = fixture.Client.GetGrain<IUserGrain>("flicker-user-" + NewId());
        for (var i = 0; i < 200; i++)
        {
            await room.Join(socket, gateway);
            await users.Add(new UserSocket(socket, "/", gateway));
            await room.Leave(socket);
            await users.Remove(socket);
        }
        await room.Join(socket, gateway);
        await users.Add(new UserSocket(socket, "/", gateway));
        Assert.Equal([socket], await room.Members());
        Assert.Single(await users.Sockets());
    }
}
