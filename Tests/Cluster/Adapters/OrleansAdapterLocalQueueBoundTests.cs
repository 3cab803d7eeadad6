using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSocket.Grains.Adapters;
using OrleansSocket.Tests.Grains;

namespace OrleansSocket.Tests.Adapters;

/// <summary>
/// The bounds of a node's local broadcast queue come from the process's <c>SocketIO:Streams</c> options: with the node's
/// socket holding up a delivery, a broadcast over either bound holds its publisher until that delivery is done, and a
/// volatile one is dropped, counted and logged once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OrleansAdapterLocalQueueBoundTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData(true)] // a length bound of one broadcast: the one being delivered
    [InlineData(false)] // a byte bound one byte short of two broadcasts
    public async Task A_full_local_queue_holds_the_publisher_and_drops_a_volatile_broadcast(bool lengthBound)
    {
        var socket = new HeldSocket("s-" + Guid.NewGuid().ToString("N"));
        var node = new AdapterNode("node-" + Guid.NewGuid().ToString("N")[..8], id => id == socket.Id ? socket : null);
        node.Add(socket);
        var room = "room-" + Guid.NewGuid().ToString("N");
        node.Join(socket, [room]);
        // What the adapter publishes for each broadcast below: the room, no exception, event "n", one digit.
        var size = LocalBroadcastQueue.SizeOf(new GatewayBroadcast("/", [room], [], new OutboundPacket("/", "n", Payload(0))));
        var streams = lengthBound
            ? new SocketIOStreamOptions { MaxLocalBroadcastQueueLength = 1 }
            : new SocketIOStreamOptions { MaxLocalBroadcastQueueBytes = 2 * size - 1 };
        using var process = new Process(fixture.Client, streams);
        await using var handle = await process.Adapter.AttachNodeAsync(node);
        var queue = ((OrleansNodeReceiver)handle).LocalQueue;
        await fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of("/", room)).Join(socket.Id, node.Id);
        var toRoom = new BroadcastOptions("/") { Rooms = [room] };

        await process.Adapter.BroadcastAsync(toRoom, "n", Payload(0));
        await Until(() => socket.Holding); // being delivered: still counted
        var second = process.Adapter.BroadcastAsync(toRoom, "n", Payload(1));
        await Until(() => queue.Waiting == 1);
        await process.Adapter.BroadcastAsync(toRoom with { Volatile = true }, "n", Payload(2));
        await process.Adapter.BroadcastAsync(toRoom with { Volatile = true }, "n", Payload(3));

        Assert.False(second.IsCompleted);
        Assert.Equal((1, size, 2L), (queue.Count, queue.Bytes, queue.Dropped));
        Assert.Equal(2L, process.DroppedAtQueue);
        Assert.Single(process.Logs, e => e.Id == 2307 && e.Level == LogLevel.Debug); // one line for the run of drops

        socket.Let();
        await second;
        await Until(() => socket.Events.Count == 2);
        Assert.Equal(["[0]", "[1]"], socket.Events);
        await Until(() => queue.Count == 0);
        Assert.Equal(0L, queue.Bytes);
    }

    private static SocketPayload Payload(int i) => new(System.Text.Encoding.UTF8.GetBytes($"[{i}]"));

    private static async Task Until(Func<bool> condition)
    {
        // A bound on how long a broken test hangs, not a timing assertion.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition()) await Task.Delay(10, limit.Token);
    }

    /// <summary>
    /// An Orleans adapter as a process with these stream options would make it, with meters and logs of its own: the
    /// broadcasts its local queue dropped (<c>packets.dropped</c>, reason <c>broadcast_queue</c>) and the receiver's log.
    /// </summary>
    private sealed class Process : IDisposable
    {
        private readonly ServiceProvider _container = new ServiceCollection().AddMetrics().BuildServiceProvider();
        private readonly MeterListener _listener = new();
        private readonly ILoggerFactory _loggers;
        private long _droppedAtQueue;

        public Process(IClusterClient client, SocketIOStreamOptions streams)
        {
            var factory = _container.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name == SocketIOInstrumentation.PacketsDropped) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                    if (tag.Key == SocketIOInstrumentation.DropReasonTag && (string?)tag.Value == "broadcast_queue") Interlocked.Add(ref _droppedAtQueue, value);
            });
            _listener.Start();
            _loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new Capture(Logs)));
            Adapter = new OrleansAdapter(client, new Overlay(client.ServiceProvider, new SocketIOMeters(factory), Options.Create(streams), _loggers));
        }

        public OrleansAdapter Adapter { get; }
        public ConcurrentQueue<(int Id, LogLevel Level)> Logs { get; } = new();
        public long DroppedAtQueue => Interlocked.Read(ref _droppedAtQueue);

        public void Dispose()
        {
            _listener.Dispose();
            _loggers.Dispose();
            _container.Dispose();
        }

        private sealed class Overlay(IServiceProvider inner, SocketIOMeters meters, IOptions<SocketIOStreamOptions> streams, ILoggerFactory loggers)
            : IServiceProvider, IKeyedServiceProvider
        {
            public object? GetService(Type serviceType) =>
                serviceType == typeof(SocketIOMeters) ? meters
                : serviceType == typeof(IOptions<SocketIOStreamOptions>) ? streams
                : serviceType == typeof(ILoggerFactory) ? loggers
                : inner.GetService(serviceType);

            public object? GetKeyedService(Type serviceType, object? serviceKey) => ((IKeyedServiceProvider)inner).GetKeyedService(serviceType, serviceKey);

            public object GetRequiredKeyedService(Type serviceType, object? serviceKey) =>
                ((IKeyedServiceProvider)inner).GetRequiredKeyedService(serviceType, serviceKey);
        }

        /// <summary>Keeps the event id and level of what the receiver logs.</summary>
        private sealed class Capture(ConcurrentQueue<(int, LogLevel)> entries) : ILoggerProvider, ILogger
        {
            public ILogger CreateLogger(string categoryName) => categoryName == typeof(OrleansNodeReceiver).FullName ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((eventId.Id, logLevel));
            public void Dispose() { }
        }
    }

    /// <summary>A node's socket whose first delivery is held until <see cref="Let"/>, as a slow write would hold it.</summary>
    private sealed class HeldSocket(string id) : IAdapterSocket
    {
        private readonly ManualResetEventSlim _let = new();
        private readonly ConcurrentQueue<string> _events = new();
        private volatile bool _holding;

        public string Id => id;
        public string Namespace => "/";
        public string? UserId => null;
        public bool Holding => _holding;
        public List<string> Events => [.. _events];

        public void Let() => _let.Set();

        public void Deliver(SharedPacket packet)
        {
            if (!_let.IsSet)
            {
                _holding = true;
                // Bounded so a broken test ends; the test lets it go as soon as it has looked.
                _let.Wait(TimeSpan.FromSeconds(30));
            }
            _events.Enqueue(System.Text.Encoding.UTF8.GetString(packet.Packet.Payload.ArgsJson));
        }

        public Task<SocketPayload> DeliverWithAckAsync(OutboundPacket packet, TimeSpan timeout) => throw new NotSupportedException();
        public Task DisconnectAsync(bool closeConnection) => Task.CompletedTask;
        public Task JoinAsync(IReadOnlyCollection<string> rooms) => Task.CompletedTask;
        public Task LeaveAsync(IReadOnlyCollection<string> rooms) => Task.CompletedTask;
        public Task<RemoteSocket?> DescribeAsync(string[] rooms) => Task.FromResult<RemoteSocket?>(null);
    }
}
