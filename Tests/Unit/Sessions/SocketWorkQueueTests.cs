using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Tests.Sessions;

/// <summary>Ordered dispatch to the grain: one call at a time, in order, charged to the connection's inbound bound.</summary>
public sealed class SocketWorkQueueTests : SocketWorkQueue<SocketWorkQueueTests.Item>.IRunner
{
    public sealed class Item(string name)
    {
        public string Name => name;
        public TaskCompletionSource Call { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly List<string> _started = [];
    private readonly List<string> _done = [];
    private readonly List<(string, Exception)> _failed = [];

    private SocketWorkQueue<Item> Queue(IInboundCharges inbound) => new(inbound, this);

    Task SocketWorkQueue<Item>.IRunner.RunAsync(Item item)
    {
        lock (_started) _started.Add(item.Name);
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
}
