using OrleansSocket.Grains.Adapters;

namespace OrleansSocket.Tests.Adapters;

/// <summary>The membership half of the specification: a socket's rooms, namespace and user changed through the
/// adapter itself (socket.io's <c>addAll</c>, <c>del</c>, <c>delAll</c>), and local operations on a named node.</summary>
public abstract partial class AdapterSpecification
{
    /// <summary>The socket as the adapter's membership methods name it, with its node.</summary>
    private protected abstract AdapterMember MemberOf(ISpecSocket socket);

    [Fact]
    public async Task A_socket_added_to_a_room_gets_its_broadcasts()
    {
        var room = Unique("room");
        var (a, b, _) = await Three();

        await Adapter.AddAllAsync(MemberOf(a), [room]);
        await Emit(All with { Rooms = [room] }, "joined");

        AssertGot("joined", a);
        AssertNothing(b);
        Assert.Equal([a.Id], (await Adapter.FetchSocketsAsync(All with { Rooms = [room] })).Select(s => s.Id));
    }

    [Fact]
    public async Task A_socket_that_left_a_room_no_longer_gets_its_broadcasts()
    {
        var room = Unique("room");
        var (a, b, _) = await Three();
        await Adapter.AddAllAsync(MemberOf(a), [room]);
        await Adapter.AddAllAsync(MemberOf(b), [room]);

        await Adapter.DelAsync(MemberOf(a), [room]);
        await Emit(All with { Rooms = [room] }, "after leave");

        AssertGot("after leave", b);
        AssertNothing(a);
        Assert.Equal(1, await Adapter.CountAsync(All with { Rooms = [room] }));
    }

    [Fact]
    public async Task Leaving_the_own_id_room_is_ignored()
    {
        var (a, _, _) = await Three();

        await Adapter.DelAsync(MemberOf(a), [a.Id]);
        await Emit(All with { Rooms = [a.Id] }, "direct");

        AssertGot("direct", a);
    }

    [Fact]
    public async Task A_removed_socket_is_in_no_room_namespace_or_user()
    {
        var (r1, r2, user) = (Unique("r1"), Unique("r2"), Unique("user"));
        var a = await Connect(user);
        var b = await Connect();
        await Adapter.AddAllAsync(MemberOf(a), [r1, r2]);
        await Adapter.AddAllAsync(MemberOf(b), [r2]);

        await Adapter.RemoveSocketAsync(MemberOf(a), [r1, r2], user);
        await Emit(All with { Rooms = [r1] }, "to r1");
        await Emit(All with { Users = [user] }, "to user");

        AssertNothing(a, b);
        Assert.Equal([b.Id], (await Adapter.FetchSocketsAsync(All with { Rooms = [r1, r2] })).Select(s => s.Id));
        Assert.Equal(0, await Adapter.CountAsync(All with { Users = [user] }));
        Assert.DoesNotContain(a.Id, (await Adapter.FetchSocketsAsync(All)).Select(s => s.Id));
    }

    [Fact]
    public async Task A_socket_given_a_user_gets_the_user_broadcasts_until_it_is_taken_away()
    {
        var user = Unique("user");
        var (a, b, _) = await Three();

        await Adapter.SetUserAsync(MemberOf(a), null, user);
        await Emit(All with { Users = [user] }, "to user");
        AssertGot("to user", a);
        AssertNothing(b);

        await Adapter.SetUserAsync(MemberOf(a), user, null);
        await Emit(All with { Users = [user] }, "to nobody");
        AssertNothing(a, b);
    }

    [Fact]
    public async Task Local_on_a_named_node_reaches_the_sockets_of_that_node_only()
    {
        var sockets = await ConnectMany(4);
        var node = MemberOf(sockets[^1]).GatewayId;

        await Emit(All with { Local = true, Node = node }, "on node");

        AssertGot("on node", [.. sockets.Where(s => MemberOf(s).GatewayId == node)]);
        AssertNothing([.. sockets.Where(s => MemberOf(s).GatewayId != node)]);
        Assert.Equal(sockets.Count(s => MemberOf(s).GatewayId == node), await Adapter.CountAsync(All with { Local = true, Node = node }));
    }

    /// <remarks>
    /// Liveness is specified here only as far as every adapter can keep it. Its other half, a node that stops
    /// renewing loses its sockets cluster-wide, is not in this suite: it applies only to adapters that keep leases,
    /// and the in-process adapter keeps none (<see cref="SocketIOAdapter.RenewLeaseAsync"/> returns null: in one
    /// process a node cannot die without the adapter), so there it would assert nothing. It also needs the
    /// membership's clock under the test's control, which a subclass here does not supply. The Orleans adapter's
    /// leases are tested in <c>Tests/Cluster/Adapters/OrleansAdapterLeaseTests.cs</c>, on a fake clock.
    /// </remarks>
    [Fact]
    public async Task A_node_that_renews_its_lease_keeps_its_sockets()
    {
        var sockets = await ConnectMany(2);
        var node = MemberOf(sockets[0]).GatewayId;

        // Null where nodes keep no leases (one process); else the lease is taken or renewed.
        var reply = await Adapter.RenewLeaseAsync(new GatewayHeartbeat(node, TimeSpan.FromMinutes(1), [Ns]));
        await Emit(All, "alive");

        Assert.True(reply is null || reply.Status is GatewayLeaseStatus.New or GatewayLeaseStatus.Renewed, reply?.Status.ToString());
        AssertGot("alive", sockets);
        await Adapter.ReleaseLeaseAsync(node);
    }
}
