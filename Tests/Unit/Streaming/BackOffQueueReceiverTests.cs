using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Streams;
using OrleansSocket.Grains.Streaming;

namespace OrleansSocket.Tests.Streaming;

/// <summary>
/// The broadcast stream queues' back-off (<see cref="BackOffQueueReceiver"/>): on a fake clock, an empty queue's pulls
/// wait longer and longer up to IdlePullPeriod, a pull that finds messages ends the back-off, and a message queued in
/// the process ends a wait at once.
/// </summary>
public sealed class BackOffQueueReceiverTests
{
    private static readonly TimeSpan Pull = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30); // a hung test fails instead of hanging

    private readonly FakeTimeProvider _time = new();
    private readonly FakeReceiver _inner = new();
    // Each test its own provider name: the doorbells are per process.
    private readonly QueueDoorbell _doorbell = QueueDoorbell.For($"test-{Guid.NewGuid()}", QueueId.GetQueueId("q", 0, 0));

    private BackOffQueueReceiver Receiver(TimeSpan? idle = null) => new(_inner, _doorbell, Pull, idle ?? Idle, _time);

    [Fact]
    public async Task The_wait_starts_after_two_empty_pulls_and_doubles_up_to_the_idle_period()
    {
        var receiver = Receiver();
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 12; i++)
        {
            waits.Add(receiver.NextWait);
            var pull = receiver.GetQueueMessagesAsync(10, CancellationToken.None);
            _time.Advance(receiver.NextWait);
            await pull.WaitAsync(Safety);
        }
        // The agent's timer adds one pull period to each wait: pulls 10, 10, 20, 30, 50, ... 1000 ms apart.
        Assert.Equal([0, 0, 10, 20, 40, 80, 160, 320, 640, 990, 990, 990], waits.Select(w => (int)w.TotalMilliseconds));
        Assert.Equal(12, _inner.Pulls);
    }

    [Fact]
    public async Task A_waiting_pull_reads_the_queue_only_when_its_wait_is_over()
    {
        var receiver = await ReceiverAfterEmptyPulls(5);
        var wait = receiver.NextWait;
        Assert.Equal(TimeSpan.FromMilliseconds(80), wait);

        var pull = receiver.GetQueueMessagesAsync(10, CancellationToken.None);
        _time.Advance(wait - TimeSpan.FromMilliseconds(1));
        Assert.False(pull.IsCompleted);
        Assert.Equal(5, _inner.Pulls);

        _inner.Next.Enqueue(1);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Single(await pull.WaitAsync(Safety));
        Assert.Equal(6, _inner.Pulls);
    }

    [Fact]
    public async Task Messages_found_end_the_back_off()
    {
        var receiver = await ReceiverAfterEmptyPulls(9);
        Assert.Equal(Idle - Pull, receiver.NextWait);

        _inner.Next.Enqueue(3);
        var pull = receiver.GetQueueMessagesAsync(10, CancellationToken.None);
        _time.Advance(receiver.NextWait);
        Assert.Equal(3, (await pull.WaitAsync(Safety)).Count);

        Assert.Equal(TimeSpan.Zero, receiver.NextWait);
    }

    [Fact]
    public async Task A_message_queued_in_the_process_ends_the_wait_at_once()
    {
        var receiver = await ReceiverAfterEmptyPulls(9);
        var pull = receiver.GetQueueMessagesAsync(10, CancellationToken.None);
        Assert.False(pull.IsCompleted);

        _inner.Next.Enqueue(1);
        _doorbell.Ring();
        Assert.Single(await pull.WaitAsync(Safety)); // the fake clock did not move
        Assert.Equal(10, _inner.Pulls);
    }

    [Fact]
    public async Task A_message_queued_between_two_pulls_makes_the_next_pull_read_at_once()
    {
        var receiver = await ReceiverAfterEmptyPulls(9);
        _doorbell.Ring();
        _inner.Next.Enqueue(1);
        Assert.Single(await receiver.GetQueueMessagesAsync(10, CancellationToken.None).WaitAsync(Safety));
    }

    [Fact]
    public async Task The_adapter_rings_the_doorbell_of_the_queue_it_queued_on()
    {
        var provider = $"test-{Guid.NewGuid()}";
        var mapper = new HashRingBasedStreamQueueMapper(new Orleans.Configuration.HashRingStreamQueueMapperOptions { TotalQueueCount = 1 }, provider);
        var queued = new FakeAdapter(provider);
        var adapter = new BackOffQueueAdapter(queued, mapper, new SocketIOStreamOptions(), _time);
        var stream = StreamId.Create("ns", "gateway-1");
        var doorbell = QueueDoorbell.For(provider, mapper.GetQueueForStream(stream));
        var rings = doorbell.Rings;

        await adapter.QueueMessageBatchAsync(stream, new[] { "event" }, null, null);

        Assert.Equal(1, queued.Batches);
        Assert.Equal(rings + 1, doorbell.Rings);
    }

    [Fact]
    public async Task Shutting_the_agent_down_ends_the_wait_without_reading()
    {
        var receiver = await ReceiverAfterEmptyPulls(9);
        using var stop = new CancellationTokenSource();
        var pull = receiver.GetQueueMessagesAsync(10, stop.Token);
        stop.Cancel();
        Assert.Empty(await pull.WaitAsync(Safety));
        Assert.Equal(9, _inner.Pulls);
    }

    [Fact]
    public async Task An_idle_period_equal_to_the_pull_period_never_waits()
    {
        var receiver = Receiver(idle: Pull);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(TimeSpan.Zero, receiver.NextWait);
            await receiver.GetQueueMessagesAsync(10, CancellationToken.None).WaitAsync(Safety);
        }
        Assert.Equal(5, _inner.Pulls);
    }

    [Fact]
    public void The_idle_period_cannot_be_shorter_than_the_pull_period()
    {
        var validator = new SocketIOStreamOptionsValidator();
        var result = validator.Validate(Options.DefaultName, new SocketIOStreamOptions { PullPeriod = Idle, IdlePullPeriod = Pull });
        Assert.True(result.Failed);
        Assert.Contains("SocketIO:Streams:IdlePullPeriod", result.FailureMessage);
        Assert.True(validator.Validate(Options.DefaultName, new SocketIOStreamOptions { PullPeriod = Idle, IdlePullPeriod = Idle }).Succeeded);
    }

    [Theory]
    [InlineData(null, 1000)]   // every silo backs off: publishers in other processes ring the queue's doorbell grain
    [InlineData("00:00:00.500", 500)]
    [InlineData("00:00:00.010", 10)]
    public void Unset_the_idle_period_is_one_second(string? configured, int expectedMs)
    {
        var options = new SocketIOStreamOptions { IdlePullPeriod = configured is null ? null : TimeSpan.Parse(configured, System.Globalization.CultureInfo.InvariantCulture) };
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), options.IdlePullPeriodOrDefault);
    }

    [Fact]
    public async Task A_waiting_receiver_listens_on_the_doorbell_grain_once_per_renewal()
    {
        var remote = new FakeRegistration();
        var receiver = new BackOffQueueReceiver(_inner, _doorbell, Pull, Idle, _time, remote);
        for (var i = 0; i < 2; i++) await receiver.GetQueueMessagesAsync(10, CancellationToken.None).WaitAsync(Safety);
        Assert.Equal(0, remote.Listens); // not waiting yet: pulled every pull period, nothing to be woken from

        var waited = TimeSpan.Zero;
        while (waited < StreamQueueListener.Renewal)
        {
            var wait = receiver.NextWait;
            var pull = receiver.GetQueueMessagesAsync(10, CancellationToken.None);
            _time.Advance(wait);
            waited += wait;
            await pull.WaitAsync(Safety);
            Assert.Equal(1, remote.Listens);
        }
        await PullOnceAsync(receiver);
        Assert.Equal(2, remote.Listens); // renewed
    }

    [Fact]
    public async Task A_failing_listen_does_not_fail_the_pull_and_is_retried_at_the_next_renewal()
    {
        var remote = new FakeRegistration { Fail = true };
        var receiver = new BackOffQueueReceiver(_inner, _doorbell, Pull, Idle, _time, remote);
        for (var i = 0; i < 3; i++) await PullOnceAsync(receiver);
        Assert.Equal(1, remote.Listens);
        Assert.Equal(3, _inner.Pulls);

        remote.Fail = false;
        _time.Advance(StreamQueueListener.Renewal);
        await PullOnceAsync(receiver);
        Assert.Equal(2, remote.Listens);
    }

    [Fact]
    public async Task A_ring_from_the_doorbell_grain_ends_the_wait()
    {
        var remote = new FakeRegistration();
        var receiver = new BackOffQueueReceiver(_inner, _doorbell, Pull, Idle, _time, remote);
        for (var i = 0; i < 9; i++) await PullOnceAsync(receiver);
        var pull = receiver.GetQueueMessagesAsync(10, CancellationToken.None);
        Assert.False(pull.IsCompleted);
        _inner.Next.Enqueue(1);

        await new StreamQueueListener(Sessions.Fake<IGrainFactory>.Create([]), QueueId.GetQueueId("q", 0, 0), _doorbell).Ring();

        Assert.Single(await pull.WaitAsync(Safety));
    }

    [Fact]
    public async Task A_receiver_counts_in_its_process_while_it_runs_and_leaves_the_doorbell_grain_when_shut_down()
    {
        var remote = new FakeRegistration();
        var receiver = new BackOffQueueReceiver(_inner, _doorbell, Pull, Idle, _time, remote);
        Assert.False(_doorbell.HasReceiver);
        await receiver.Initialize(TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.True(_doorbell.HasReceiver);
        await receiver.Shutdown(TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.False(_doorbell.HasReceiver);
        Assert.Equal(1, remote.Leaves);
    }

    [Fact]
    public void A_publisher_rings_the_doorbell_grain_when_no_receiver_of_the_queue_runs_here_at_most_once_per_pull_period()
    {
        var rings = 0;
        var doorbellGrain = Sessions.Fake<IStreamQueueDoorbellGrain>.Create(new() { ["Ring"] = _ => { Interlocked.Increment(ref rings); return Task.CompletedTask; } });
        string? key = null;
        var grains = Sessions.Fake<IGrainFactory>.Create(new() { ["GetGrain"] = args => { key = (string)args[0]!; return doorbellGrain; } });
        var waker = new StreamQueueWaker(grains, new SocketIOStreamOptions(), _time);
        var mapper = new HashRingBasedStreamQueueMapper(new Orleans.Configuration.HashRingStreamQueueMapperOptions { TotalQueueCount = 1 }, GatewayStreams.Provider);
        var queue = mapper.GetQueueForStream(GatewayStreams.For("gateway-1"));
        var local = QueueDoorbell.For(GatewayStreams.Provider, queue);
        var localRings = local.Rings;

        waker.Published("gateway-1");
        waker.Published("gateway-1");
        Assert.Equal(1, rings);
        Assert.Equal(StreamQueueWaker.Key(queue), key);
        Assert.Equal(localRings + 2, local.Rings); // and the bell in this process, every time

        _time.Advance(new SocketIOStreamOptions().PullPeriod);
        waker.Published("gateway-1");
        Assert.Equal(2, rings);

        // A receiver of the queue in this process: its own bell wakes it, no remote ring.
        local.ReceiverStarted();
        try
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            waker.Published("gateway-1");
            Assert.Equal(2, rings);
        }
        finally
        {
            local.ReceiverStopped();
        }
    }

    private async Task PullOnceAsync(BackOffQueueReceiver receiver)
    {
        var pull = receiver.GetQueueMessagesAsync(10, CancellationToken.None);
        _time.Advance(receiver.NextWait);
        await pull.WaitAsync(Safety);
    }

    private async Task<BackOffQueueReceiver> ReceiverAfterEmptyPulls(int count)
    {
        var receiver = Receiver();
        for (var i = 0; i < count; i++)
        {
            var pull = receiver.GetQueueMessagesAsync(10, CancellationToken.None);
            _time.Advance(receiver.NextWait);
            Assert.Empty(await pull.WaitAsync(Safety));
        }
        Assert.Equal(count, _inner.Pulls);
        return receiver;
    }

    private sealed class FakeRegistration : IQueueListenerRegistration
    {
        public int Listens { get; private set; }

        public int Leaves { get; private set; }

        public bool Fail { get; set; }

        public Task ListenAsync()
        {
            Listens++;
            return Fail ? Task.FromException(new TimeoutException("doorbell grain")) : Task.CompletedTask;
        }

        public Task LeaveAsync()
        {
            Leaves++;
            return Task.CompletedTask;
        }
    }

    /// <summary>A queue whose next pulls return the given numbers of messages (none when nothing is set).</summary>
    private sealed class FakeReceiver : IQueueAdapterReceiver
    {
        public Queue<int> Next { get; } = new();

        public int Pulls { get; private set; }

        public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
        {
            Pulls++;
            var count = Next.TryDequeue(out var n) ? n : 0;
            return Task.FromResult<IList<IBatchContainer>>([.. Enumerable.Range(0, count).Select(_ => new FakeBatch())]);
        }

        [Obsolete("Use the overload which accepts a CancellationToken.")]
        public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

        public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

        [Obsolete("Use the overload which accepts a CancellationToken.")]
        public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

        public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;
    }

    private sealed class FakeBatch : IBatchContainer
    {
        public StreamId StreamId => StreamId.Create("ns", "key");

        public StreamSequenceToken SequenceToken => new Orleans.Providers.Streams.Common.EventSequenceTokenV2(0);

        public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() => [];

        public bool ImportRequestContext() => false;
    }

    private sealed class FakeAdapter(string name) : IQueueAdapter
    {
        public int Batches { get; private set; }

        public string Name => name;

        public bool IsRewindable => false;

        public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

        public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
        {
            Batches++;
            return Task.CompletedTask;
        }

        public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => throw new NotSupportedException();
    }
}
