using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OrleansSocket.Grains.Adapters;
using OrleansSocket.Grains.Sockets;

namespace OrleansSocket.Tests.Grains;

/// <summary>
/// The socket grain when its gateway's node is attached to the adapter of the silo's own process (the embedded and
/// co-hosted shapes): what it sends its own socket (emits, the answers to events) is written through that node at once,
/// not through the gateway observer and Orleans' response to the gateway's call; when the socket is on another
/// connection there, everything goes the way it would from another process.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SocketGrainGatewayHereTests(ClusterFixture fixture)
{
    private readonly RecordingGateway _gateway = new();

    /// <summary>The gateway's socket as the node holds it: records what the grain writes through it, in order.</summary>
    private sealed class HereSocket(string id, string connectionId) : IAdapterSocket
    {
        public ConcurrentQueue<string> Written { get; } = new();

        /// <summary>Whether the last report came on the grain's turn (its scheduler): the gateway's queue relies on it to
        /// move its next item to the thread pool.</summary>
        public bool ReportedOnGrainScheduler { get; private set; }
        public string Id => id;
        public string Namespace => "/";
        public string? UserId => null;

        public bool SendHere(string? connection, OutboundPacket packet)
        {
            if (connection != connectionId) return false;
            Written.Enqueue($"{packet.Event} {RecordingGateway.Json(packet.Payload)}");
            return true;
        }

        public bool AckHere(string? connection, long ackId, SocketPayload payload)
        {
            if (connection != connectionId) return false;
            Written.Enqueue($"ack {ackId} {RecordingGateway.Json(payload)}");
            return true;
        }

        public bool PostedEventsDone(string connection, long sequence)
        {
            if (connection != connectionId) return false;
            ReportedOnGrainScheduler = TaskScheduler.Current != TaskScheduler.Default;
            Written.Enqueue($"done {sequence}");
            return true;
        }

        /// <summary>The grain's activation, once the grain handed it over for this socket's connection.</summary>
        public ILocalSocketGrain? Local { get; private set; }

        public bool AttachLocalGrain(string connection, ILocalSocketGrain grain)
        {
            if (connection != connectionId) return false;
            Local = grain;
            return true;
        }

        public void Deliver(SharedPacket packet) => Written.Enqueue($"broadcast {packet.Packet.Event}");
        public Task<SocketPayload> DeliverWithAckAsync(OutboundPacket packet, TimeSpan timeout) => throw new NotSupportedException();
        public Task DisconnectAsync(bool closeConnection) => Task.CompletedTask;
        public Task JoinAsync(IReadOnlyCollection<string> rooms) => Task.CompletedTask;
        public Task LeaveAsync(IReadOnlyCollection<string> rooms) => Task.CompletedTask;
        public Task<RemoteSocket?> DescribeAsync(string[] rooms) => Task.FromResult<RemoteSocket?>(null);
    }

    private static long _nextAckId;

    private static ClientEvent Event(string name, string argsJson) =>
        new(name, new SocketPayload(Encoding.UTF8.GetBytes(argsJson)), true) { AckId = Interlocked.Increment(ref _nextAckId) };

    /// <summary>A socket grain whose gateway is a node attached here, holding the socket on connection <paramref name="held"/>;
    /// the grain connects with connection c1.</summary>
    private async Task<(ISocketGrain Grain, HereSocket Socket, IAsyncDisposable Node)> ConnectAsync(string held)
    {
        var (grain, socket, node, _) = await ConnectWithResultAsync(held);
        return (grain, socket, node);
    }

    private async Task<(ISocketGrain Grain, HereSocket Socket, IAsyncDisposable Node, ConnectResult Result)> ConnectWithResultAsync(
        string held, bool attach = true, string ns = "/")
    {
        var adapter = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<SocketIOAdapter>();
        var id = Guid.NewGuid().ToString("N");
        var socket = new HereSocket(id, held);
        var node = new AdapterNode("gw-here-" + id, s => s == id ? socket : null);
        IAsyncDisposable handle = attach ? await adapter.AttachNodeAsync(node) : new NoNode();
        var grain = fixture.Client.GetGrain<ISocketGrain>(id);
        var observer = fixture.Client.CreateObjectReference<IGatewayObserver>(_gateway);
        var handshake = new HandshakeInfo
        {
            Headers = new Dictionary<string, string>(),
            Query = new Dictionary<string, string> { ["EIO"] = "4" },
            AuthJson = "{}"u8.ToArray(),
            EngineIOVersion = 4,
            Transport = "websocket",
        };
        var result = await grain.Connect(new SocketConnectRequest(ns, node.Id, observer, handshake) { ConnectionId = "c1" });
        Assert.True(result.Accepted);
        return (grain, socket, handle, result);
    }

    private sealed class NoNode : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>The receipt the gateway of <see cref="ConnectAsync"/> gives a post of connection c1.</summary>
    private static EventReceipt Receipt(HereSocket socket, long sequence) => new("gw-here-" + socket.Id, "c1", sequence);

    /// <summary>What a one-way call has done, once the grain reported it (or the test's patience ran out).</summary>
    private static void WaitUntilWritten(HereSocket socket, string last) =>
        Assert.True(SpinWait.SpinUntil(() => socket.Written.Contains(last), TimeSpan.FromSeconds(10)), $"never written: {last}");

    [Fact]
    public async Task The_connect_result_says_whether_the_gateway_runs_in_the_grains_process()
    {
        var (_, _, here, hereResult) = await ConnectWithResultAsync(held: "c1");
        await using var _ = here;
        var (_, _, elsewhere, elsewhereResult) = await ConnectWithResultAsync(held: "c1", attach: false);
        await using var __ = elsewhere;

        Assert.True(hereResult.GatewayHere);
        Assert.False(elsewhereResult.GatewayHere);
    }

    [Fact]
    public async Task A_posted_event_is_answered_here_then_reported_done_with_its_receipt()
    {
        var (grain, socket, node) = await ConnectAsync(held: "c1");
        await using var _ = node;
        var add = Event("add", "[2,3]");

        await grain.PostEvent(add, Receipt(socket, 7));

        WaitUntilWritten(socket, "done 7");
        Assert.Equal([$"welcome [\"{socket.Id}\"]", $"ack {add.AckId} [5]", "done 7"], socket.Written);
        Assert.True(socket.ReportedOnGrainScheduler);
        Assert.Empty(_gateway.LateAcks);
    }

    [Fact]
    public async Task Posted_events_run_in_order_and_are_reported_once_after_the_last()
    {
        var (grain, socket, node) = await ConnectAsync(held: "c1");
        await using var _ = node;
        var add = Event("add", "[2,3]");
        var twice = Event("echo twice", "[\"x\"]");

        await grain.PostEvents([add, twice], Receipt(socket, 3));

        WaitUntilWritten(socket, "done 3");
        Assert.Equal([$"welcome [\"{socket.Id}\"]", $"ack {add.AckId} [5]", "echoed [\"x\"]", $"ack {twice.AckId} [\"x\"]", "done 3"],
            socket.Written);
    }

    [Fact]
    public async Task A_posted_event_whose_socket_is_now_elsewhere_is_answered_through_the_observer_and_not_reported_here()
    {
        var (grain, socket, node) = await ConnectAsync(held: "c2"); // the node holds the id on a newer connection
        await using var _ = node;
        var add = Event("add", "[2,3]");

        await grain.PostEvent(add, Receipt(socket, 1));

        Assert.True(SpinWait.SpinUntil(() => !_gateway.LateAcks.IsEmpty, TimeSpan.FromSeconds(10)));
        var late = Assert.Single(_gateway.LateAcks);
        Assert.Equal((socket.Id, add.AckId!.Value, "[5]"), (late.Socket, late.AckId, RecordingGateway.Json(late.Payload)));
        Assert.Empty(socket.Written); // c1 is not the connection the node holds: no report through it
    }

    [Fact]
    public async Task Emits_and_answers_are_written_through_the_node_here_emit_first()
    {
        var (grain, socket, node) = await ConnectAsync(held: "c1");
        await using var _ = node;
        var add = Event("add", "[2,3]");
        var twice = Event("echo twice", "[\"x\"]");

        Assert.Null(await grain.HandleEvent(add)); // answered through the node: the call returns none
        Assert.Null(await grain.HandleEvent(twice));

        var id = socket.Id;
        Assert.Equal([$"welcome [\"{id}\"]", $"ack {add.AckId} [5]", "echoed [\"x\"]", $"ack {twice.AckId} [\"x\"]"], socket.Written);
        Assert.Empty(_gateway.Sent); // nothing through the observer
        Assert.Empty(_gateway.LateAcks);
    }

    [Fact]
    public async Task On_another_connection_the_grain_answers_through_its_call_and_the_observer()
    {
        var (grain, socket, node) = await ConnectAsync(held: "c2"); // the node holds the id on a newer connection
        await using var _ = node;

        var ack = await grain.HandleEvent(Event("add", "[2,3]"));

        Assert.Equal("[5]", ack is null ? null : RecordingGateway.Json(ack));
        Assert.Empty(socket.Written);
        var (to, welcome) = Assert.Single(_gateway.Sent);
        Assert.Equal((socket.Id, "welcome"), (to, welcome.Event));
    }

    [Fact]
    public async Task The_grain_hands_its_activation_to_the_socket_here_whose_posts_run_as_the_one_way_calls_do()
    {
        var (_, socket, node) = await ConnectAsync(held: "c1");
        await using var _ = node;
        var add = Event("add", "[2,3]");
        var twice = Event("echo twice", "[\"x\"]");
        var local = Assert.IsAssignableFrom<ILocalSocketGrain>(socket.Local);

        Assert.True(local.TryPost(add, Receipt(socket, 1)));
        WaitUntilWritten(socket, "done 1");
        Assert.True(socket.ReportedOnGrainScheduler);
        Assert.True(local.TryPost([twice], Receipt(socket, 2)));
        WaitUntilWritten(socket, "done 2");

        Assert.Equal([$"welcome [\"{socket.Id}\"]", $"ack {add.AckId} [5]", "done 1", "echoed [\"x\"]", $"ack {twice.AckId} [\"x\"]", "done 2"],
            socket.Written);
        Assert.True(socket.ReportedOnGrainScheduler);
        Assert.Empty(_gateway.LateAcks);
    }

    [Fact]
    public async Task On_another_connection_the_grain_keeps_its_activation_to_itself()
    {
        var (_, socket, node) = await ConnectAsync(held: "c2");
        await using var _ = node;

        Assert.Null(socket.Local);
    }

    [Fact]
    public async Task Once_the_activation_ended_its_socket_here_is_refused_posts()
    {
        var (grain, socket, node) = await ConnectAsync(held: "c1");
        await using var _ = node;
        var local = Assert.IsAssignableFrom<ILocalSocketGrain>(socket.Local);

        await grain.Disconnected("client namespace disconnect", "c1"); // the socket left: the activation deactivates

        // Until the deactivation ran, a post is taken (and finds no socket); after it, every post is refused.
        var sequence = 0L;
        Assert.True(SpinWait.SpinUntil(() => !local.TryPost(Event("add", "[1,1]"), Receipt(socket, ++sequence)), TimeSpan.FromSeconds(10)));
        Assert.False(local.TryPost(Event("add", "[1,1]"), Receipt(socket, ++sequence)));
    }
    [Fact]
    public async Task A_handler_that_needs_no_socket_runs_detached_on_the_callers_thread_and_one_that_reads_the_socket_does_not()
    {
        var (_, socket, node) = await ConnectAsync(held: "c1");
        await using var _ = node;
        var local = Assert.IsAssignableFrom<ILocalSocketGrain>(socket.Local);
        var add = Event("add", "[2,3]");

        var run = local.TryRunDetached(add);

        Assert.NotNull(run);
        Assert.True(run.IsCompletedSuccessfully); // ran on this thread, not queued on the activation
        Assert.Equal("[5]", RecordingGateway.Json((await run)!));
        Assert.Equal([$"welcome [\"{socket.Id}\"]"], socket.Written); // the answer is returned, not written by the grain
        Assert.Null(local.TryRunDetached(Event("echo twice", "[\"x\"]"))); // takes its ISocket: posted, on the turn
        Assert.Null(local.TryRunDetached(Event("no such event", "[]")));
    }

    [Fact]
    public async Task A_detached_handlers_failure_reaches_its_error_handler_on_the_grains_turn_with_no_answer()
    {
        var (_, socket, node, _) = await ConnectWithResultAsync(held: "c1", ns: "/detached");
        await using var _ = node;
        var local = Assert.IsAssignableFrom<ILocalSocketGrain>(socket.Local);

        Assert.Equal("[2]", RecordingGateway.Json((await local.TryRunDetached(Event("half", "[4]"))!)!));
        Assert.Null(await local.TryRunDetached(Event("half", "[3]"))!);

        Assert.True(SpinWait.SpinUntil(() => TestHandlers.DetachedErrors.ContainsKey(socket.Id), TimeSpan.FromSeconds(10)));
        Assert.Equal(("half", true), TestHandlers.DetachedErrors[socket.Id]);
    }

    [Fact]
    public async Task Once_the_activation_ended_nothing_runs_detached()
    {
        var (grain, socket, node) = await ConnectAsync(held: "c1");
        await using var _ = node;
        var local = Assert.IsAssignableFrom<ILocalSocketGrain>(socket.Local);

        await grain.Disconnected("client namespace disconnect", "c1");

        // The socket left: from then on no event runs off the turn (the posts that follow find no socket, as before).
        Assert.Null(local.TryRunDetached(Event("add", "[1,1]")));
    }
}
