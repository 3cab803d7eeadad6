using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Tests.Sessions;

/// <summary>Ordered dispatch to the grain: one call at a time, in order, charged to the connection's inbound bound.</summary>
public sealed class SocketWorkQueueTests : SocketWorkQueue<SocketWorkQueueTests.Item>.IRunner
{
    public sealed class Item(string name, bool batchable = false, bool completesInline = false)
    {
        public string Name => name;
        public bool Batchable => batchable;
        public TaskCompletionSource Call { get; } = new(completesInline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly List<(string Name, bool OnDefaultScheduler)> _schedulers = [];

    private readonly List<string> _started = [];
    private readonly List<string> _done = [];
    private readonly List<(string, Exception)> _failed = [];

    private readonly List<(string Names, TaskCompletionSource Call)> _batches = [];

    private SocketWorkQueue<Item> Queue(IInboundCharges inbound, int maxBatch = 1) => new(inbound, this, maxBatch);

    bool SocketWorkQueue<Item>.IRunner.CanBatch(Item item) => item.Batchable;

    Task SocketWorkQueue<Item>.IRunner.RunBatchAsync(Item[] items)
    {
        var call = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var names = string.Join("+", items.Select(i => i.Name));
        lock (_started)
        {
            _started.Add(names);
            _batches.Add((names, call));
        }
        return call.Task;
    }

    private TaskCompletionSource Batch(string names)
    {
        lock (_started) return _batches.Single(b => b.Names == names).Call;
    }

    Task SocketWorkQueue<Item>.IRunner.RunAsync(Item item)
    {
        lock (_started)
        {
            _started.Add(item.Name);
            _schedulers.Add((item.Name, TaskScheduler.Current == TaskScheduler.Default));
        }
        return item.Call.Task;
    }

    void SocketWorkQueue<Item>.IRunner.Failed(Item item, Exception exception)
    {
        lock (_failed) _failed.Add((item.Name, exception));
    }

    void SocketWorkQueue<Item>.IRunner.Done(Item item)
    {
        lock (_done) _done.Add(item.Name);
    }

    private static async Task Until(Func<bool> condition) =>
        Assert.True(await Task.Run(() => SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(5))));

    [Fact]
    public async Task An_item_completed_inline_on_another_scheduler_starts_the_next_on_the_thread_pool()
    {
        // As a socket grain's report completes a posted event on the grain's turn (PostedEvents.Done).
        var queue = Queue(new InboundBudget(100, 1000));
        var first = new Item("a", completesInline: true);
        await Task.Run(() => // no synchronization context to resume on, as in the gateway
        {
            queue.Enqueue(first);
            queue.Enqueue(new Item("b"));
        });
        var grainTurns = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;

        await Task.Factory.StartNew(() => first.Call.SetResult(), CancellationToken.None, TaskCreationOptions.None, grainTurns);

        await Until(() => { lock (_started) return _started.Count == 2; });
        lock (_started) Assert.Equal([("a", true), ("b", true)], _schedulers);
    }

    [Fact]
    public async Task Items_run_one_at_a_time_in_the_order_they_were_queued()
    {
        var queue = Queue(new InboundBudget(100, 1000));
        Item a = new("a"), b = new("b"), c = new("c");
        queue.Enqueue(a);
        queue.Enqueue(b);
        queue.Enqueue(c);
        await Until(() => _started.Count == 1);
        Assert.Equal(["a"], _started);
        Assert.Equal(3, queue.Count);

        a.Call.SetResult();
        await Until(() => _started.Count == 2);
        Assert.Equal(["a", "b"], _started); // c waits for b
        b.Call.SetResult();
        c.Call.SetResult();
        await Until(() => _done.Count == 3);
        Assert.Equal(["a", "b", "c"], _done);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_full_queue_pushes_back_on_the_receive_loop_until_an_item_is_done()
    {
        var budget = new InboundBudget(maxPackets: 2, maxBytes: 1000);
        var queue = Queue(budget);
        Item first = new("first"), second = new("second");
        queue.Enqueue(first, charge: 10);
        queue.Enqueue(second, charge: 10);
        Assert.Equal(2, budget.Packets);
        Assert.Equal(20, budget.Bytes);

        var room = budget.WaitForRoomAsync(10);
        Assert.False(room.IsCompleted); // the transport reads no more

        first.Call.SetResult();
        await room.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, budget.Packets);
        second.Call.SetResult();
        await Until(() => budget.Packets == 0);
        Assert.Equal(0, budget.Bytes);
    }

    [Fact]
    public async Task The_gateways_own_work_is_not_charged()
    {
        var budget = new InboundBudget(maxPackets: 1, maxBytes: 1000);
        var queue = Queue(budget);
        var own = new Item("own");
        queue.Enqueue(own);
        Assert.Equal(0, budget.Packets);
        Assert.True(budget.HasRoom(1000));
        own.Call.SetResult();
        await Until(() => _done.Count == 1);
    }

    [Fact]
    public async Task A_failed_item_is_reported_released_and_the_next_one_runs()
    {
        var budget = new InboundBudget(10, 1000);
        var queue = Queue(budget);
        Item bad = new("bad"), next = new("next");
        queue.Enqueue(bad, charge: 5);
        queue.Enqueue(next, charge: 5);
        bad.Call.SetException(new InvalidOperationException("grain failed"));
        await Until(() => _started.Count == 2);
        var (name, error) = Assert.Single(_failed);
        Assert.Equal("bad", name);
        Assert.Equal("grain failed", error.Message);
        Assert.Equal(1, budget.Packets);
        next.Call.SetResult();
        await Until(() => _done.Count == 2);
        Assert.Equal(["bad", "next"], _done);
        Assert.Equal(0, budget.Packets);
    }

    [Fact]
    public async Task Batchable_items_queued_behind_a_call_run_together_in_order_up_to_the_bound()
    {
        var budget = new InboundBudget(100, 1000);
        var queue = Queue(budget, maxBatch: 3);
        Item e0 = new("e0", true), e1 = new("e1", true), e2 = new("e2", true), e3 = new("e3", true), e4 = new("e4", true),
            own = new("own"), e5 = new("e5", true);
        queue.Enqueue(e0, charge: 1);
        foreach (var item in new[] { e1, e2, e3, e4 }) queue.Enqueue(item, charge: 1);
        queue.Enqueue(own);
        queue.Enqueue(e5, charge: 1);
        await Until(() => _started.Count == 1);
        Assert.Equal(["e0"], _started); // alone in the queue when it started: a call of its own
        e0.Call.SetResult();
        await Until(() => _started.Count == 2);
        Assert.Equal("e1+e2+e3", _started[1]); // what queued up behind it goes together, at most 3 in one call
        Assert.Equal(5, budget.Packets);

        Batch("e1+e2+e3").SetResult();
        await Until(() => _started.Count == 3);
        Assert.Equal("e4", _started[2]); // an item the runner cannot batch ends a batch
        Assert.Equal(2, budget.Packets); // each item of the batch released its own charge
        Assert.Equal(["e0", "e1", "e2", "e3"], _done);

        e4.Call.SetResult();
        await Until(() => _started.Count == 4);
        Assert.Equal("own", _started[3]);
        own.Call.SetResult();
        await Until(() => _started.Count == 5);
        Assert.Equal("e5", _started[4]);
        e5.Call.SetResult();
        await Until(() => _done.Count == 7);
        Assert.Equal(["e0", "e1", "e2", "e3", "e4", "own", "e5"], _done);
        Assert.Equal(0, budget.Packets);
    }

    [Fact]
    public async Task A_failed_batch_fails_each_of_its_items_and_the_next_item_runs()
    {
        var budget = new InboundBudget(100, 1000);
        var queue = Queue(budget, maxBatch: 16);
        Item first = new("first", true), a = new("a", true), b = new("b", true), c = new("c", true), own = new("own");
        queue.Enqueue(first);
        queue.Enqueue(a, charge: 5);
        queue.Enqueue(b, charge: 5);
        queue.Enqueue(c, charge: 5);
        queue.Enqueue(own);
        await Until(() => _started.Count == 1);
        first.Call.SetResult();
        await Until(() => _started.Count == 2);
        Batch("a+b+c").SetException(new InvalidOperationException("silo lost"));
        await Until(() => _started.Count == 3);
        Assert.Equal(["a", "b", "c"], _failed.Select(f => f.Item1));
        Assert.All(_failed, f => Assert.Equal("silo lost", f.Item2.Message));
        Assert.Equal(0, budget.Packets);
        Assert.Equal(0, budget.Bytes);
        own.Call.SetResult();
        await Until(() => _done.Count == 5);
        Assert.Equal(["first", "a", "b", "c", "own"], _done);
    }
}
