using OrleansSocket.Grains.Adapters;

namespace OrleansSocket.Tests.Adapters;

/// <summary>
/// What every <see cref="SocketIOAdapter"/> must do (as SignalR's <c>HubLifetimeManagerTestBase</c> for its lifetime
/// managers): a subclass supplies the adapter and connects sockets to it; the same tests run against each.
/// Each test disconnects its sockets at its end, so a shared server sees only the current test's sockets.
/// The adapter runs with connection state recovery on.
/// </summary>
public abstract partial class AdapterSpecification : IAsyncLifetime
{
    private const string Ns = "/";
    private static readonly SocketPayload Payload = new("[1]"u8.ToArray());
    private readonly List<ISpecSocket> _sockets = [];

    private protected abstract SocketIOAdapter Adapter { get; }

    /// <summary>Connects a socket to <c>/</c>, of <paramref name="user"/> when given; it answers acks.</summary>
    protected abstract Task<ISpecSocket> CreateSocketAsync(string? user);

    /// <summary>Waits until what the adapter sent so far reached the sockets.</summary>
    protected abstract Task SettleAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var socket in _sockets) await socket.DisposeAsync();
    }

    private async Task<ISpecSocket> Connect(string? user = null)
    {
        var socket = await CreateSocketAsync(user);
        _sockets.Add(socket);
        return socket;
    }

    private async Task<ISpecSocket[]> ConnectMany(int count)
    {
        var sockets = new ISpecSocket[count];
        for (var i = 0; i < count; i++) sockets[i] = await Connect();
        return sockets;
    }

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    private static BroadcastOptions All => new(Ns);

    private async Task Emit(BroadcastOptions options, string eventName)
    {
        await Adapter.BroadcastAsync(options, eventName, Payload);
        await SettleAsync();
    }

    private static void AssertGot(string eventName, params ISpecSocket[] sockets)
    {
        foreach (var socket in sockets) Assert.Equal([eventName], socket.TakeEvents());
    }

    private static void AssertNothing(params ISpecSocket[] sockets)
    {
        foreach (var socket in sockets) Assert.Empty(socket.TakeEvents());
    }

    // ---------------- broadcast ----------------

    [Fact]
    public async Task Emit_to_the_namespace_reaches_every_socket_once()
    {
        var sockets = await ConnectMany(3);

        await Emit(All, "to all");

        AssertGot("to all", sockets);
    }

    [Fact]
    public async Task Emit_to_a_room_reaches_only_its_members()
    {
        var room = Unique("room");
        var (a, b, c) = await TwoInRoomOneOut(room);

        await Emit(All with { Rooms = [room] }, "to room");

        AssertGot("to room", a, b);
        AssertNothing(c);
    }

    [Fact]
    public async Task Emit_to_a_socket_id_reaches_that_socket()
    {
        var (a, b, _) = await Three();

        await Emit(All with { Rooms = [b.Id] }, "direct");

        AssertGot("direct", b);
        AssertNothing(a);
    }

    [Fact]
    public async Task Except_leaves_out_the_members_of_rooms_and_socket_ids()
    {
        var room = Unique("room");
        var muted = Unique("muted");
        var sockets = await ConnectMany(4);
        foreach (var socket in sockets) await socket.JoinAsync(room);
        await sockets[1].JoinAsync(muted);

        await Emit(All with { Rooms = [room], Except = [muted, sockets[2].Id] }, "except");

        AssertGot("except", sockets[0], sockets[3]);
        AssertNothing(sockets[1], sockets[2]);
    }

    [Fact]
    public async Task Except_on_the_namespace_leaves_out_the_room()
    {
        var muted = Unique("muted");
        var (a, b, c) = await Three();
        await c.JoinAsync(muted);

        await Emit(All with { Except = [muted] }, "most");

        AssertGot("most", a, b);
        AssertNothing(c);
    }

    [Fact]
    public async Task A_socket_in_several_named_rooms_gets_one_copy()
    {
        var (r1, r2) = (Unique("r1"), Unique("r2"));
        var (a, b, c) = await Three();
        await a.JoinAsync(r1, r2);
        await b.JoinAsync(r2);

        await Emit(All with { Rooms = [r1, r2] }, "once");

        AssertGot("once", a, b);
        AssertNothing(c);
    }

    [Fact]
    public async Task Emit_to_a_user_reaches_each_of_their_sockets()
    {
        var user = Unique("user");
        var phone = await Connect(user);
        var laptop = await Connect(user);
        var other = await Connect(Unique("other"));

        await Emit(All with { Users = [user] }, "dm");

        AssertGot("dm", phone, laptop);
        AssertNothing(other);
    }

    [Fact]
    public async Task Emit_to_a_user_without_sockets_reaches_nobody()
    {
        var sockets = await ConnectMany(2);

        await Emit(All with { Users = [Unique("absent")] }, "dm");

        AssertNothing(sockets);
    }

    [Fact]
    public async Task Volatile_emit_reaches_sockets_that_can_take_it()
    {
        var room = Unique("room");
        var (a, b, c) = await TwoInRoomOneOut(room);

        await Emit(All with { Rooms = [room], Volatile = true }, "tick");

        AssertGot("tick", a, b);
        AssertNothing(c);
    }

    [Fact]
    public async Task Local_emit_reaches_the_sockets_of_this_node_only()
    {
        var sockets = await ConnectMany(4);
        Assert.Contains(sockets, s => s.IsLocal);

        await Emit(All with { Local = true }, "local");

        AssertGot("local", [.. sockets.Where(s => s.IsLocal)]);
        AssertNothing([.. sockets.Where(s => !s.IsLocal)]);
    }

    // ---------------- acks ----------------

    [Fact]
    public async Task Emit_with_ack_collects_every_answer()
    {
        var room = Unique("room");
        var (a, b, c) = await TwoInRoomOneOut(room);

        var result = await Adapter.BroadcastWithAckAsync(All with { Rooms = [room], AckTimeout = TimeSpan.FromSeconds(5) }, "ask", Payload);

        var acks = new BroadcastAcks(result);
        Assert.True(acks.AllAnswered);
        Assert.Equal(2, acks.Targeted);
        Assert.Equal(a.Id, acks.BySocket[a.Id].Arg<string>(0));
        Assert.Equal(b.Id, acks.BySocket[b.Id].Arg<string>(0));
        Assert.False(acks.BySocket.ContainsKey(c.Id));
    }

    [Fact]
    public async Task Emit_with_ack_counts_a_socket_that_does_not_answer_in_time_as_not_answering()
    {
        var room = Unique("room");
        var (a, b, _) = await TwoInRoomOneOut(room);
        b.AnswersAcks = false;

        var result = await Adapter.BroadcastWithAckAsync(All with { Rooms = [room], AckTimeout = TimeSpan.FromMilliseconds(300) }, "ask", Payload);

        var acks = new BroadcastAcks(result);
        Assert.False(acks.AllAnswered);
        Assert.Equal(2, acks.Targeted);
        Assert.Equal([a.Id], acks.BySocket.Keys);
    }

    [Fact]
    public async Task Emit_with_ack_to_nobody_completes_with_no_answers()
    {
        await ConnectMany(2);

        var result = await Adapter.BroadcastWithAckAsync(All with { Rooms = [Unique("empty")] }, "ask", Payload);

        var acks = new BroadcastAcks(result);
        Assert.Equal(0, acks.Targeted);
        Assert.Empty(acks.BySocket);
        Assert.True(acks.AllAnswered);
    }

    // ---------------- socket utilities ----------------

    [Fact]
    public async Task Fetch_returns_the_addressed_sockets_with_their_rooms()
    {
        var (room, other) = (Unique("room"), Unique("other"));
        var (a, b, c) = await Three();
        await a.JoinAsync(room, other);
        await b.JoinAsync(room);

        var fetched = await Adapter.FetchSocketsAsync(All with { Rooms = [room] });

        Assert.Equal(new[] { a.Id, b.Id }.Order(), fetched.Select(s => s.Id).Order());
        var first = fetched.Single(s => s.Id == a.Id);
        Assert.Equal(new[] { a.Id, room, other }.Order(), first.Rooms.Order());
        Assert.Equal(Ns, first.Namespace);
        Assert.DoesNotContain(fetched, s => s.Id == c.Id);
    }

    [Fact]
    public async Task Count_counts_the_addressed_sockets()
    {
        var (room, muted) = (Unique("room"), Unique("muted"));
        var sockets = await ConnectMany(3);
        foreach (var socket in sockets) await socket.JoinAsync(room);
        await sockets[0].JoinAsync(muted);

        Assert.Equal(3, await Adapter.CountAsync(All with { Rooms = [room] }));
        Assert.Equal(2, await Adapter.CountAsync(All with { Rooms = [room], Except = [muted] }));
        Assert.Equal(0, await Adapter.CountAsync(All with { Rooms = [Unique("empty")] }));
    }

    [Fact]
    public async Task The_socket_utilities_take_socket_ids_as_rooms()
    {
        var room = Unique("room");
        var (a, b, c) = await TwoInRoomOneOut(room);

        var fetched = await Adapter.FetchSocketsAsync(All with { Rooms = [c.Id] });
        var count = await Adapter.CountAsync(All with { Rooms = [room], Except = [a.Id] });
        await Adapter.DisconnectSocketsAsync(All with { Rooms = [room, c.Id], Except = [b.Id] }, closeConnection: false);
        await SettleAsync();

        Assert.Equal([c.Id], fetched.Select(s => s.Id));
        Assert.Equal(1, count);
        Assert.Equal([false, true, false], new[] { a, b, c }.Select(s => s.IsConnected));
    }

    [Fact]
    public async Task SocketsJoin_puts_the_addressed_sockets_in_the_rooms()
    {
        var (room, joined) = (Unique("room"), Unique("joined"));
        var (a, b, c) = await TwoInRoomOneOut(room);

        await Adapter.AddSocketsAsync(All with { Rooms = [room] }, [joined]);
        await Emit(All with { Rooms = [joined] }, "joined");

        AssertGot("joined", a, b);
        AssertNothing(c);
        Assert.Contains(joined, await Adapter.SocketRoomsAsync(a.Id));
    }

    [Fact]
    public async Task SocketsLeave_takes_the_addressed_sockets_out_of_the_rooms()
    {
        var (room, flagged) = (Unique("room"), Unique("flagged"));
        var (a, b, _) = await Three();
        await a.JoinAsync(room, flagged);
        await b.JoinAsync(room);

        await Adapter.DelSocketsAsync(All with { Rooms = [flagged] }, [room]);
        await Emit(All with { Rooms = [room] }, "still here");

        AssertGot("still here", b);
        AssertNothing(a);
        Assert.Equal(new[] { a.Id, flagged }.Order(), (await Adapter.SocketRoomsAsync(a.Id)).Order());
    }

    [Fact]
    public async Task DisconnectSockets_disconnects_the_addressed_sockets_only()
    {
        var room = Unique("room");
        var (a, b, c) = await TwoInRoomOneOut(room);

        await Adapter.DisconnectSocketsAsync(All with { Rooms = [room] }, closeConnection: false);
        await SettleAsync();

        Assert.False(a.IsConnected);
        Assert.False(b.IsConnected);
        Assert.True(c.IsConnected);
        Assert.Equal(0, await Adapter.CountAsync(All with { Rooms = [room] }));
    }

    [Fact]
    public async Task SocketRooms_lists_the_own_id_and_the_joined_rooms()
    {
        var (r1, r2) = (Unique("r1"), Unique("r2"));
        var a = await Connect();
        await a.JoinAsync(r1, r2);

        Assert.Equal(new[] { a.Id, r1, r2 }.Order(), (await Adapter.SocketRoomsAsync(a.Id)).Order());
        Assert.Empty(await Adapter.SocketRoomsAsync(Unique("absent")));
    }

    [Fact]
    public async Task CloseRoom_makes_every_member_leave()
    {
        var (room, kept) = (Unique("room"), Unique("kept"));
        var (a, b, _) = await Three();
        await a.JoinAsync(room, kept);
        await b.JoinAsync(room);

        await Adapter.CloseRoomAsync(Ns, room);

        Assert.Equal(0, await Adapter.CountAsync(All with { Rooms = [room] }));
        Assert.Equal(new[] { a.Id, kept }.Order(), (await Adapter.SocketRoomsAsync(a.Id)).Order());
    }

    // ---------------- connection state recovery ----------------

    private static OutboundPacket Packet(string eventName) => new(Ns, eventName, Payload);

    [Fact]
    public async Task Kept_packets_are_missed_by_the_sockets_of_their_rooms_in_order()
    {
        var (room, other, muted, socket) = (Unique("room"), Unique("other"), Unique("muted"), Unique("socket"));
        var mark = await Adapter.PersistPacketAsync(Ns, [room], [], Packet("mark"));
        await Adapter.PersistPacketAsync(Ns, [room], [], Packet("to room"));
        await Adapter.PersistPacketAsync(Ns, [other], [], Packet("to other"));
        await Adapter.PersistPacketAsync(Ns, [], [], Packet("to all"));
        await Adapter.PersistPacketAsync(Ns, [room], [muted], Packet("not to muted"));

        Assert.NotNull(mark.Offset);
        var missed = await Adapter.MissedPacketsAsync(Ns, mark.Offset, [socket, room]);
        Assert.Equal(["to room", "to all", "not to muted"], missed!.Select(p => p.Event));
        var mutedMissed = await Adapter.MissedPacketsAsync(Ns, mark.Offset, [socket, room, muted]);
        Assert.Equal(["to room", "to all"], mutedMissed!.Select(p => p.Event));
    }

    [Fact]
    public async Task A_kept_packet_has_its_offset_as_its_last_argument()
    {
        var kept = await Adapter.PersistPacketAsync(Ns, [Unique("room")], [], Packet("kept"));

        Assert.Equal($"[1,\"{kept.Offset}\"]", System.Text.Encoding.UTF8.GetString(kept.Payload.ArgsJson));
    }

    [Fact]
    public async Task An_unknown_offset_is_not_recoverable()
    {
        Assert.Null(await Adapter.MissedPacketsAsync(Ns, Unique("unknown"), [Unique("room")]));
    }

    [Fact]
    public async Task Broadcasts_are_kept_unless_volatile_or_with_acks()
    {
        var room = Unique("room");
        var (a, _, _) = await TwoInRoomOneOut(room);
        var mark = await Adapter.PersistPacketAsync(Ns, [room], [], Packet("mark"));

        await Emit(All with { Rooms = [room] }, "kept");
        await Emit(All with { Rooms = [room], Volatile = true }, "volatile");
        await Adapter.BroadcastWithAckAsync(All with { Rooms = [room] }, "asked", Payload);

        var missed = await Adapter.MissedPacketsAsync(Ns, mark.Offset!, [a.Id, room]);
        Assert.Equal(["kept"], missed!.Select(p => p.Event));
    }

    [Fact]
    public async Task A_broadcast_to_users_without_sockets_is_kept_for_nobody()
    {
        var (room, socket) = (Unique("room"), Unique("socket"));
        var mark = await Adapter.PersistPacketAsync(Ns, [], [], Packet("mark"));

        await Emit(All with { Users = [Unique("absent")] }, "private");

        var missed = await Adapter.MissedPacketsAsync(Ns, mark.Offset!, [socket, room]);
        Assert.DoesNotContain("private", missed!.Select(p => p.Event));
    }

    private async Task<(ISpecSocket, ISpecSocket, ISpecSocket)> TwoInRoomOneOut(string room)
    {
        var (a, b, c) = await Three();
        await a.JoinAsync(room);
        await b.JoinAsync(room);
        return (a, b, c);
    }

    private async Task<(ISpecSocket, ISpecSocket, ISpecSocket)> Three()
    {
        var s = await ConnectMany(3);
        return (s[0], s[1], s[2]);
    }
}
