namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// One socket's calls to its grain, run in order and one at a time (order is kept across processes, where Orleans
/// one-way and pipelined calls were measured arriving out of order). The queue is bounded by the connection's
/// inbound bound: a client packet is charged to <see cref="IInboundCharges"/> while it waits or runs, and the
/// transport waits for room before it reads the next message, so a client that writes faster than its handlers
/// run is pushed back. The gateway's own work (disconnect, transport change, restore) is at most a few items
/// per socket and is not charged. Consecutive items the runner can run together (<see cref="IRunner.CanBatch"/>: a
/// socket's events) start as one, up to the queue's batch bound: what queued up behind a call in flight then costs
/// one call, still in order.
/// </summary>
internal sealed class SocketWorkQueue<TWork> where TWork : class
{
    /// <summary>
    /// What runs the items: the socket itself, rather than three delegates bound to it, which every idle socket held
    /// (docs/performance.md, "Memory per idle connection").
    /// </summary>
    public interface IRunner
    {
        /// <summary>Runs one item; the next starts when it completes.</summary>
        Task RunAsync(TWork work);

        /// <summary>Whether <paramref name="work"/> may run together with the items of its kind next to it (<see cref="RunBatchAsync"/>).</summary>
        bool CanBatch(TWork work);

        /// <summary>
        /// Runs two or more consecutive items that <see cref="CanBatch"/> accepted, in their order; the next item starts
        /// when it completes. A fault fails every item of the batch (<see cref="Failed"/>): an item's own failure that
        /// the runner handled itself should not fault it.
        /// </summary>
        Task RunBatchAsync(TWork[] works);

        /// <summary>An item threw (it is not retried; the next one runs).</summary>
        void Failed(TWork work, Exception exception);

        /// <summary>After each item, failed or not, once its charge was released.</summary>
        void Done(TWork work);
    }

    private readonly Lock _gate = new();
    private readonly Queue<(TWork Work, long? Charge)> _work = new();
    private readonly IInboundCharges _inbound;
    private readonly IRunner _runner;
    private readonly int _maxBatch;
    private bool _draining;

    /// <param name="inbound">What client packets are charged to.</param>
    /// <param name="runner">Runs the items (<see cref="IRunner"/>).</param>
    /// <param name="maxBatch">Most items run together (<see cref="IRunner.RunBatchAsync"/>); 1: one at a time.</param>
    public SocketWorkQueue(IInboundCharges inbound, IRunner runner, int maxBatch = 1)
    {
        _inbound = inbound;
        _runner = runner;
        _maxBatch = maxBatch;
    }

    /// <summary>Items queued or running.</summary>
    public int Count { get { lock (_gate) return _work.Count + (_draining ? 1 : 0); } }

    /// <summary>Queues <paramref name="work"/>; <paramref name="charge"/> is a client packet's size, null for the gateway's own work.</summary>
    public void Enqueue(TWork work, long? charge = null)
    {
        if (charge is { } bytes) _inbound.Add(bytes);
        lock (_gate)
        {
            _work.Enqueue((work, charge));
            if (_draining) return;
            _draining = true;
        }
        _ = DrainAsync();
    }

    private async Task DrainAsync()
    {
        for (var resumed = false; ; resumed = true)
        {
            (TWork Work, long? Charge) item;
            (TWork Work, long? Charge)[]? batch = null;
            lock (_gate)
            {
                if (_work.Count == 0)
                {
                    _draining = false;
                    return;
                }
                // Resumed on a grain's turn (its report of a posted event, PostedEvents.Done, runs this inline): the next
                // item starts on the thread pool, not there, where its awaits would capture the grain's scheduler.
                if (resumed && TaskScheduler.Current != TaskScheduler.Default)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static q => _ = q.DrainAsync(), this, preferLocal: false);
                    return;
                }
                item = _work.Dequeue();
                if (_maxBatch > 1 && _work.TryPeek(out var next) && _runner.CanBatch(item.Work) && _runner.CanBatch(next.Work))
                    batch = TakeBatch(item);
            }
            if (batch is not null)
            {
                await RunBatchAsync(batch);
                continue;
            }
            try
            {
                await _runner.RunAsync(item.Work);
            }
            catch (Exception ex)
            {
                _runner.Failed(item.Work, ex);
            }
            finally
            {
                if (item.Charge is { } bytes) _inbound.Release(bytes);
                _runner.Done(item.Work);
            }
        }
    }

    /// <summary>The item just taken and the batchable ones right behind it, up to the bound. Called under the lock.</summary>
    private (TWork Work, long? Charge)[] TakeBatch((TWork Work, long? Charge) first)
    {
        var count = 1;
        foreach (var queued in _work)
        {
            if (count == _maxBatch || !_runner.CanBatch(queued.Work)) break;
            count++;
        }
        var batch = new (TWork Work, long? Charge)[count];
        batch[0] = first;
        for (var i = 1; i < count; i++) batch[i] = _work.Dequeue();
        return batch;
    }

    private async Task RunBatchAsync((TWork Work, long? Charge)[] batch)
    {
        var works = new TWork[batch.Length];
        for (var i = 0; i < works.Length; i++) works[i] = batch[i].Work;
        try
        {
            await _runner.RunBatchAsync(works);
        }
        catch (Exception ex)
        {
            foreach (var work in works) _runner.Failed(work, ex);
        }
        finally
        {
            foreach (var (work, charge) in batch)
            {
                if (charge is { } bytes) _inbound.Release(bytes);
                _runner.Done(work);
            }
        }
    }
}
