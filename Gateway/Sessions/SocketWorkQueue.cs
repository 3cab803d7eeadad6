namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// One socket's calls to its grain, run in order and one at a time (order is kept across processes, where Orleans
/// one-way and pipelined calls were measured arriving out of order). The queue is bounded by the connection's
/// inbound bound: a client packet is charged to <see cref="IInboundCharges"/> while it waits or runs, and the
/// transport waits for room before it reads the next message, so a client that writes faster than its handlers
/// run is pushed back. The gateway's own work (disconnect, transport change, restore) is at most a few items
/// per socket and is not charged.
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

        /// <summary>An item threw (it is not retried; the next one runs).</summary>
        void Failed(TWork work, Exception exception);

        /// <summary>After each item, failed or not, once its charge was released.</summary>
        void Done(TWork work);
    }

    private readonly Lock _gate = new();
    private readonly Queue<(TWork Work, long? Charge)> _work = new();
    private readonly IInboundCharges _inbound;
    private readonly IRunner _runner;
    private bool _draining;

    /// <param name="inbound">What client packets are charged to.</param>
    /// <param name="runner">Runs the items (<see cref="IRunner"/>).</param>
    public SocketWorkQueue(IInboundCharges inbound, IRunner runner)
    {
        _inbound = inbound;
        _runner = runner;
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
        while (true)
        {
            (TWork Work, long? Charge) item;
            lock (_gate)
            {
                if (!_work.TryDequeue(out item))
                {
                    _draining = false;
                    return;
                }
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
}
