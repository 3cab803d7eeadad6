using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Grains.Adapters;

namespace OrleansSocket.Tests.Adapters;

/// <summary>The adapter specification on <see cref="InProcessAdapter"/>: a fresh adapter per test, sockets in memory.</summary>
public sealed class InProcessAdapterTests : AdapterSpecification
{
    private readonly InProcessAdapter _adapter = new(recovery: new ConnectionStateRecoveryOptions { Enabled = true });
    private int _next;

    private protected override SocketIOAdapter Adapter => _adapter;

    protected override Task<ISpecSocket> CreateSocketAsync(string? user)
    {
        var socket = new MemorySocket(_adapter, $"socket{Interlocked.Increment(ref _next)}", user);
        _adapter.AddSocket(socket);
        return Task.FromResult<ISpecSocket>(socket);
    }

    // One node: every socket is on it.
    private protected override AdapterMember MemberOf(ISpecSocket socket) => new(socket.Id, "/", InProcessAdapter.OwnNodeId);

    // Delivery is synchronous: what was sent is there.
    protected override Task SettleAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_volatile_packet_is_handed_to_the_socket_marked_volatile_without_an_offset()
    {
        var socket = new MemorySocket(_adapter, "volatile", null);
        _adapter.AddSocket(socket);

        await _adapter.BroadcastAsync(new BroadcastOptions("/") { Volatile = true }, "tick", SocketPayload.Empty);
        await _adapter.BroadcastAsync(new BroadcastOptions("/"), "tock", SocketPayload.Empty);

        Assert.Equal([("tick", true, false), ("tock", false, true)], socket.Packets.Select(p => (p.Event, p.Volatile, p.Offset is not null)));
    }

    [Fact]
    public async Task Kept_packets_age_out_after_the_recovery_window()
    {
        var clock = new ManualClock();
        var adapter = new InProcessAdapter(clock, new ConnectionStateRecoveryOptions { Enabled = true, MaxDisconnectionDuration = TimeSpan.FromMinutes(2) });
        var mark = await adapter.PersistPacketAsync("/", ["room"], [], new OutboundPacket("/", "mark", SocketPayload.Empty));
        await adapter.PersistPacketAsync("/", ["room"], [], new OutboundPacket("/", "missed", SocketPayload.Empty));

        clock.Advance(TimeSpan.FromMinutes(2));
        var within = await adapter.MissedPacketsAsync("/", mark.Offset!, ["room"]);
        clock.Advance(TimeSpan.FromTicks(1));
        var after = await adapter.MissedPacketsAsync("/", mark.Offset!, ["room"]);

        Assert.Equal(["missed"], within!.Select(p => p.Event));
        Assert.Null(after);
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    [Fact]
    public async Task A_removed_socket_is_in_no_room_and_gets_nothing()
    {
        var socket = new MemorySocket(_adapter, "gone", null);
        _adapter.AddSocket(socket);
        _adapter.Join(socket.Id, ["room"]);

        _adapter.RemoveSocket(socket.Id);
        await _adapter.BroadcastAsync(new BroadcastOptions("/") { Rooms = ["room"] }, "late", SocketPayload.Empty);
        await _adapter.BroadcastAsync(new BroadcastOptions("/"), "late", SocketPayload.Empty);

        Assert.Empty(socket.Packets);
        Assert.Empty(await _adapter.SocketRoomsAsync(socket.Id));
        Assert.Equal(0, await _adapter.CountAsync(new BroadcastOptions("/")));
    }

    [Fact]
    public async Task Sockets_of_another_namespace_are_not_addressed()
    {
        var main = new MemorySocket(_adapter, "main", null);
        var admin = new MemorySocket(_adapter, "admin", null, "/admin");
        _adapter.AddSocket(main);
        _adapter.AddSocket(admin);
        _adapter.Join(main.Id, ["room"]);
        _adapter.Join(admin.Id, ["room"]);

        await _adapter.BroadcastAsync(new BroadcastOptions("/admin") { Rooms = ["room"] }, "admins", SocketPayload.Empty);

        Assert.Empty(main.Packets);
        Assert.Equal(["admins"], admin.Packets.Select(p => p.Event));
    }

    [Fact]
    public async Task Nodes_keep_no_lease_so_no_time_drops_a_socket()
    {
        var clock = new FakeTimeProvider();
        var adapter = new InProcessAdapter(clock);
        var socket = new MemorySocket(adapter, "idle", null);
        adapter.AddSocket(socket);

        Assert.Null(await adapter.RenewLeaseAsync(new GatewayHeartbeat(InProcessAdapter.OwnNodeId, TimeSpan.FromSeconds(30), ["/"])));
        clock.Advance(TimeSpan.FromHours(1));
        await adapter.BroadcastAsync(new BroadcastOptions("/"), "still here", SocketPayload.Empty);

        Assert.Equal(["still here"], socket.Packets.Select(p => p.Event));
        Assert.Equal(1, await adapter.CountAsync(new BroadcastOptions("/")));
    }

    [Fact]
    public async Task An_attached_node_gets_broadcasts_until_it_is_detached()
    {
        var (node, a, b) = Node("gateway-1", "a", "b");
        await using var other = await _adapter.AttachNodeAsync(new AdapterNode("gateway-2", _ => null));
        var handle = await _adapter.AttachNodeAsync(node);
        _adapter.Join(a.Id, ["room"]);

        await _adapter.BroadcastAsync(new BroadcastOptions("/") { Rooms = ["room"] }, "to room", SocketPayload.Empty);
        await _adapter.BroadcastAsync(new BroadcastOptions("/") { Local = true, Node = "gateway-2" }, "elsewhere", SocketPayload.Empty);
        await _adapter.BroadcastAsync(new BroadcastOptions("/") { Local = true, Node = "gateway-1" }, "here", SocketPayload.Empty);
        await handle.FlushAsync(TimeSpan.FromSeconds(1));
        await handle.DisposeAsync();
        await _adapter.BroadcastAsync(new BroadcastOptions("/"), "after", SocketPayload.Empty);

        Assert.Equal(["to room", "here"], a.Packets.Select(p => p.Event));
        Assert.Equal(["here"], b.Packets.Select(p => p.Event));
        Assert.Equal(["room"], node.RoomsOf(a));
    }

    [Fact]
    public async Task A_node_encodes_a_broadcast_once_for_all_its_sockets()
    {
        var (node, a, b) = Node("gateway-1", "a", "b");
        await using var handle = await _adapter.AttachNodeAsync(node);

        await _adapter.BroadcastAsync(new BroadcastOptions("/"), "shared", SocketPayload.Empty);

        Assert.Single(a.Encodings);
        Assert.Same(a.Encodings[0], Assert.Single(b.Encodings));
    }

    /// <summary>A node of two sockets, not yet attached.</summary>
    private (AdapterNode Node, MemorySocket A, MemorySocket B) Node(string id, string a, string b)
    {
        var sockets = new Dictionary<string, MemorySocket> { [a] = new(_adapter, a, null), [b] = new(_adapter, b, null) };
        var node = new AdapterNode(id, socketId => sockets.GetValueOrDefault(socketId));
        foreach (var socket in sockets.Values) node.Add(socket);
        return (node, sockets[a], sockets[b]);
    }

    /// <summary>A client held in memory: records what it gets, answers acks with its id unless told not to.</summary>
    private sealed class MemorySocket(InProcessAdapter adapter, string id, string? user, string ns = "/") : IAdapterSocket, ISpecSocket
    {
        private readonly Lock _gate = new();
        private readonly List<OutboundPacket> _packets = [];
        private int _taken;

        public string Id => id;
        public string Namespace => ns;
        public string? UserId => user;
        public bool IsLocal => true;
        public bool IsConnected { get; private set; } = true;
        public bool AnswersAcks { private get; set; } = true;

        public IReadOnlyList<OutboundPacket> Packets
        {
            get { lock (_gate) return [.. _packets]; }
        }

        /// <summary>What each broadcast's shared encoding was when this socket wrote it (the first socket makes it).</summary>
        public List<object> Encodings { get; } = [];

        public void Deliver(SharedPacket packet)
        {
            lock (_gate)
            {
                _packets.Add(packet.Packet);
                Encodings.Add(packet.Encoded ??= new object());
            }
        }

        public Task<SocketPayload> DeliverWithAckAsync(OutboundPacket packet, TimeSpan timeout)
        {
            if (!IsConnected) throw new InvalidOperationException($"Socket {Id} is disconnected.");
            Deliver(new SharedPacket(packet));
            // Not answering: the task never completes, the adapter's timeout decides.
            return AnswersAcks ? Task.FromResult(new SocketPayload(System.Text.Encoding.UTF8.GetBytes($"[\"{Id}\"]"))) : new TaskCompletionSource<SocketPayload>().Task;
        }

        public Task DisconnectAsync(bool closeConnection)
        {
            IsConnected = false;
            adapter.RemoveSocket(Id);
            return Task.CompletedTask;
        }

        public Task<RemoteSocket?> DescribeAsync(string[] rooms) => Task.FromResult<RemoteSocket?>(new(Id, Namespace, rooms,
            new HandshakeInfo { Headers = new Dictionary<string, string>(), Query = new Dictionary<string, string>(), AuthJson = "{}"u8.ToArray() },
            "{}"u8.ToArray(), UserId, "local"));

        public Task JoinAsync(params string[] rooms) => JoinAsync((IReadOnlyCollection<string>)rooms);

        public Task JoinAsync(IReadOnlyCollection<string> rooms)
        {
            adapter.Join(Id, rooms);
            return Task.CompletedTask;
        }

        public Task LeaveAsync(IReadOnlyCollection<string> rooms)
        {
            adapter.Leave(Id, rooms);
            return Task.CompletedTask;
        }

        public IReadOnlyList<string> TakeEvents()
        {
            lock (_gate)
            {
                var events = _packets.Skip(_taken).Select(p => p.Event).ToArray();
                _taken = _packets.Count;
                return events;
            }
        }

        public ValueTask DisposeAsync()
        {
            adapter.RemoveSocket(Id);
            return ValueTask.CompletedTask;
        }
    }
}
