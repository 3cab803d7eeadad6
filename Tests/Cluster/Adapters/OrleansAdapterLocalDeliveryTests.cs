using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using OrleansSocket.Grains.Adapters;
using OrleansSocket.Tests.Grains;

namespace OrleansSocket.Tests.Adapters;

/// <summary>
/// A broadcast published by the Orleans adapter that a node of the same process is attached to reaches that node
/// without its stream (its receiver's own queue), in order; a broadcast to the same node from another adapter (another
/// process) still comes through the stream, which a second subscriber watches. The adapters count on meters of their own.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OrleansAdapterLocalDeliveryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_broadcast_to_a_node_of_this_process_skips_its_stream_and_keeps_order()
    {
        var (node, socket, room) = NewNode();
        var local = new Counted(fixture.Client);
        await using var handle = await local.Adapter.AttachNodeAsync(node);
        await using var stream = await StreamWatch.StartAsync(fixture.Client, node.Id);
        await fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of("/", room)).Join(socket.Id, node.Id);

        for (var i = 0; i < 5; i++)
            await local.Adapter.BroadcastAsync(new BroadcastOptions("/") { Rooms = [room] }, "n", Payload(i));

        await Until(() => socket.Events.Count == 5);
        Assert.Equal(["[0]", "[1]", "[2]", "[3]", "[4]"], socket.Events);
        await handle.FlushAsync(TimeSpan.FromSeconds(30)); // a marker through the stream, behind anything published on it
        Assert.Equal(0, stream.Broadcasts); // none went through the node's stream
        Assert.Equal(5, local.Sent); // one message per gateway per broadcast, whichever the route
    }

    [Fact]
    public async Task A_broadcast_from_another_process_still_comes_through_the_stream()
    {
        var (node, socket, room) = NewNode();
        var local = new Counted(fixture.Client);
        var remote = new Counted(fixture.Client); // an adapter no node is attached to: an emitter, another silo
        await using var handle = await local.Adapter.AttachNodeAsync(node);
        await using var stream = await StreamWatch.StartAsync(fixture.Client, node.Id);
        await fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of("/", room)).Join(socket.Id, node.Id);

        await remote.Adapter.BroadcastAsync(new BroadcastOptions("/") { Rooms = [room] }, "n", Payload(1));
        await local.Adapter.BroadcastAsync(new BroadcastOptions("/") { Rooms = [room] }, "n", Payload(2));

        await Until(() => socket.Events.Count == 2);
        Assert.Equal(["[1]", "[2]"], socket.Events.Order(StringComparer.Ordinal)); // two routes: no order between them
        await handle.FlushAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, stream.Broadcasts); // the other process's
        Assert.Equal(1, remote.Sent);
        Assert.Equal(1, local.Sent);
    }

    /// <summary>A second subscriber to a node's stream: counts the broadcasts of namespace <c>/</c> that pass there.</summary>
    private sealed class StreamWatch : IAsyncDisposable
    {
        private StreamSubscriptionHandle<GatewayBroadcast>? _handle;
        private int _broadcasts;

        public int Broadcasts => Volatile.Read(ref _broadcasts);

        public static async Task<StreamWatch> StartAsync(IClusterClient client, string nodeId)
        {
            var watch = new StreamWatch();
            var stream = client.GetStreamProvider(GatewayStreams.Provider).GetStream<GatewayBroadcast>(GatewayStreams.For(nodeId));
            watch._handle = await stream.SubscribeAsync((broadcast, _) =>
            {
                if (broadcast.Namespace == "/") Interlocked.Increment(ref watch._broadcasts);
                return Task.CompletedTask;
            });
            return watch;
        }

        public async ValueTask DisposeAsync()
        {
            if (_handle is { } handle) await handle.UnsubscribeAsync();
        }
    }

    private static (AdapterNode Node, RecordingSocket Socket, string Room) NewNode()
    {
        var socket = new RecordingSocket("s-" + Guid.NewGuid().ToString("N"));
        var node = new AdapterNode("node-" + Guid.NewGuid().ToString("N")[..8], id => id == socket.Id ? socket : null);
        node.Add(socket);
        var room = "room-" + Guid.NewGuid().ToString("N");
        node.Join(socket, [room]);
        return (node, socket, room);
    }

    private static SocketPayload Payload(int i) => new(System.Text.Encoding.UTF8.GetBytes($"[{i}]"));

    private static async Task Until(Func<bool> condition)
    {
        // A bound on how long a broken test hangs, not a timing assertion.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition()) await Task.Delay(10, limit.Token);
    }

    /// <summary>An Orleans adapter over the cluster's client whose counts are its own (a container with metrics).</summary>
    private sealed class Counted
    {
        private readonly SocketIOMeters _meters;

        public Counted(IClusterClient client)
        {
            _meters = new SocketIOMeters(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
            Adapter = new OrleansAdapter(client, new Overlay(client.ServiceProvider, _meters));
        }

        public OrleansAdapter Adapter { get; }
        public long Sent => _meters.BroadcastTotals()[SocketIOInstrumentation.BroadcastStreamMessages];

        private sealed class Overlay(IServiceProvider inner, SocketIOMeters meters) : IServiceProvider, IKeyedServiceProvider
        {
            public object? GetService(Type serviceType) => serviceType == typeof(SocketIOMeters) ? meters : inner.GetService(serviceType);

            public object? GetKeyedService(Type serviceType, object? serviceKey) => ((IKeyedServiceProvider)inner).GetKeyedService(serviceType, serviceKey);

            public object GetRequiredKeyedService(Type serviceType, object? serviceKey) =>
                ((IKeyedServiceProvider)inner).GetRequiredKeyedService(serviceType, serviceKey);
        }
    }

    /// <summary>A node's socket that records the arguments of each event it is given.</summary>
    private sealed class RecordingSocket(string id) : IAdapterSocket
    {
        private readonly Lock _gate = new();
        private readonly List<string> _events = [];

        public string Id => id;
        public string Namespace => "/";
        public string? UserId => null;

        public List<string> Events
        {
            get { lock (_gate) return [.. _events]; }
        }

        public void Deliver(SharedPacket packet)
        {
            lock (_gate) _events.Add(System.Text.Encoding.UTF8.GetString(packet.Packet.Payload.ArgsJson));
        }

        public Task<SocketPayload> DeliverWithAckAsync(OutboundPacket packet, TimeSpan timeout) => throw new NotSupportedException();
        public Task DisconnectAsync(bool closeConnection) => Task.CompletedTask;
        public Task JoinAsync(IReadOnlyCollection<string> rooms) => Task.CompletedTask;
        public Task LeaveAsync(IReadOnlyCollection<string> rooms) => Task.CompletedTask;
        public Task<RemoteSocket?> DescribeAsync(string[] rooms) => Task.FromResult<RemoteSocket?>(null);
    }
}
