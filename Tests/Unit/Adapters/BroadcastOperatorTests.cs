using System.Collections.Immutable;
using OrleansSocket.Grains.Adapters;
using OrleansSocket.Grains.Emitting;

namespace OrleansSocket.Tests.Adapters;

/// <summary>The broadcast operator only collects options: each operation reaches the adapter once, with them.</summary>
public sealed class BroadcastOperatorTests
{
    private readonly RecordingAdapter _adapter = new();
    private readonly ISocketIO _io;

    public BroadcastOperatorTests() => _io = new SocketIOEmitter(_adapter);

    [Fact]
    public async Task Narrowing_calls_add_up_to_one_set_of_options()
    {
        await _io.Of("chat").To("a").In("b").Except("x").ToUser("u").Volatile.Timeout(TimeSpan.FromSeconds(2)).EmitAsync("e", 1);

        var (operation, options) = Assert.Single(_adapter.Calls);
        Assert.Equal("broadcast e", operation);
        Assert.Equal("/chat", options!.Namespace);
        Assert.Equal(["a", "b"], options.Rooms.ToArray());
        Assert.Equal(["x"], options.Except.ToArray());
        Assert.Equal(["u"], options.Users.ToArray());
        Assert.True(options.Volatile);
        Assert.False(options.Local);
        Assert.Equal(TimeSpan.FromSeconds(2), options.AckTimeout);
    }

    [Fact]
    public async Task Local_marks_the_options_with_the_emitters_node()
    {
        await new SocketIOEmitter(_adapter, "gateway1").Of("chat").Local.To("a").EmitAsync("e");

        var (_, options) = Assert.Single(_adapter.Calls);
        Assert.True(options!.Local);
        Assert.Equal("gateway1", options.Node);
    }

    [Fact]
    public async Task Narrowing_returns_a_copy_and_leaves_the_original_as_it_was()
    {
        var room = _io.To("a");

        await room.Except("x").EmitAsync("first");
        await room.EmitAsync("second");

        Assert.Equal(["x"], _adapter.Calls[0].Options!.Except.ToArray());
        Assert.Empty(_adapter.Calls[1].Options!.Except);
        Assert.Equal(["a"], _adapter.Calls[1].Options!.Rooms.ToArray());
        Assert.Equal("/", _adapter.Calls[1].Options!.Namespace);
    }

    [Fact]
    public async Task Every_socket_operation_goes_to_the_adapter()
    {
        var room = _io.Of("/admin").To("r");

        await room.EmitWithAckAsync("ask");
        await room.FetchSocketsAsync();
        await room.CountAsync();
        await room.SocketsJoinAsync("j");
        await room.SocketsLeaveAsync("l");
        await room.DisconnectSocketsAsync(closeConnection: true);
        await _io.RoomsAsync("socket1");
        await _io.CloseRoomAsync("closed", "admin");

        Assert.Equal(["ack ask", "fetch", "count", "join j", "leave l", "disconnect True", "rooms socket1", "close /admin closed"],
            _adapter.Calls.Select(c => c.Operation));
        Assert.All(_adapter.Calls.Take(6), c => Assert.Equal(["r"], c.Options!.Rooms.ToArray()));
        Assert.All(_adapter.Calls.Take(6), c => Assert.Equal("/admin", c.Options!.Namespace));
    }

    [Fact]
    public async Task Emit_with_ack_returns_what_the_adapter_collected()
    {
        _adapter.AckResult = new BroadcastAckResult([new SocketAckReply("s1", new SocketPayload("[42]"u8.ToArray()))], 2, true);

        var acks = await _io.Timeout(TimeSpan.FromSeconds(1)).EmitWithAckAsync("ask");

        Assert.Equal(2, acks.Targeted);
        Assert.False(acks.AllAnswered);
        Assert.Equal([42], acks.Values<int>());
    }

    private sealed class RecordingAdapter : SocketIOAdapter
    {
        public List<(string Operation, BroadcastOptions? Options)> Calls { get; } = [];
        public BroadcastAckResult AckResult { get; set; } = new([], 0, true);

        private Task Record(string operation, BroadcastOptions? options)
        {
            Calls.Add((operation, options));
            return Task.CompletedTask;
        }

        public override Task<IAdapterNodeHandle> AttachNodeAsync(AdapterNode node) => throw new InvalidOperationException("No nodes in this test.");

        public override Task<GatewayHeartbeatReply?> RenewLeaseAsync(GatewayHeartbeat heartbeat) => throw new InvalidOperationException("No leases in this test.");

        public override Task ReleaseLeaseAsync(string nodeId) => throw new InvalidOperationException("No leases in this test.");
        protected override ImmutableArray<AdapterNode> AttachedNodes => []; // no node here

        public override Task BroadcastAsync(BroadcastOptions options, string eventName, SocketPayload payload) => Record($"broadcast {eventName}", options);

        public override async Task<BroadcastAckResult> BroadcastWithAckAsync(BroadcastOptions options, string eventName, SocketPayload payload)
        {
            await Record($"ack {eventName}", options);
            return AckResult;
        }

        public override async Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options)
        {
            await Record("fetch", options);
            return [];
        }

        public override async Task<int> CountAsync(BroadcastOptions options)
        {
            await Record("count", options);
            return 0;
        }

        public override Task AddSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms) => Record($"join {string.Join(",", rooms)}", options);

        public override Task DelSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms) => Record($"leave {string.Join(",", rooms)}", options);

        public override Task DisconnectSocketsAsync(BroadcastOptions options, bool closeConnection) => Record($"disconnect {closeConnection}", options);

        public override async Task<IReadOnlyCollection<string>> SocketRoomsAsync(string socketId)
        {
            await Record($"rooms {socketId}", null);
            return [];
        }

        public override Task CloseRoomAsync(string ns, string room) => Record($"close {ns} {room}", null);

        public override async Task<IReadOnlyCollection<string>> NamespacesAsync()
        {
            await Record("namespaces", null);
            return [];
        }

        // Membership is the socket's business, never the operator's.
        public override Task AddSocketAsync(AdapterMember socket) => throw new InvalidOperationException("The broadcast operator changes no membership.");
        public override Task AddAllAsync(AdapterMember socket, IReadOnlyCollection<string> rooms) => AddSocketAsync(socket);
        public override Task DelAsync(AdapterMember socket, IReadOnlyCollection<string> rooms) => AddSocketAsync(socket);
        public override Task RemoveSocketAsync(AdapterMember socket, IReadOnlyCollection<string> rooms, string? userId) => AddSocketAsync(socket);
        public override Task SetUserAsync(AdapterMember socket, string? previous, string? current) => AddSocketAsync(socket);

        // The operator keeps no packets: only the socket grain and the adapter's own broadcasts do.
        public override Task<OutboundPacket> PersistPacketAsync(string ns, IReadOnlyCollection<string> rooms, IReadOnlyCollection<string> except, OutboundPacket packet) =>
            throw new InvalidOperationException("The broadcast operator keeps no packets itself.");

        public override Task<OutboundPacket[]?> MissedPacketsAsync(string ns, string offset, IReadOnlyCollection<string> rooms) =>
            throw new InvalidOperationException("The broadcast operator reads no kept packets.");
    }
}
