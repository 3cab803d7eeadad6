using System.Collections.Concurrent;
using Orleans.Streams;

namespace OrleansSocket.Grains.Streaming;

/// <summary>
/// Wakes the pulling agent of a stream queue that is backing off (<c>BackOffQueueReceiver</c>, in the silos) when a message is
/// queued in the same process, so that a sleeping queue costs a broadcast no latency. A ring that nobody waits for costs
/// an interlocked increment; a ring for another cluster of the same process (a test host) costs at most one early pull.
/// It also counts the receivers of its queue in this process (<see cref="HasReceiver"/>): a publisher in a process that
/// does not pull the queue rings the queue's cluster-wide doorbell instead (<see cref="StreamQueueWaker"/>).
/// </summary>
internal sealed class QueueDoorbell
{
    // One bell per provider and queue in the process: TestingHost runs several silos in one process, and a message
    // published on one of them must wake the agent that another holds.
    private static readonly ConcurrentDictionary<(string Provider, QueueId Queue), QueueDoorbell> Bells = new();

    private long _rings;
    private int _waiting;
    private int _receivers;
    private TaskCompletionSource _next = NewWaiter();

    /// <summary>The bell of <paramref name="queue"/> of the stream provider <paramref name="provider"/> in this process.</summary>
    public static QueueDoorbell For(string provider, QueueId queue) => Bells.GetOrAdd((provider, queue), static _ => new QueueDoorbell());

    /// <summary>How many times the bell rang: a waiter passes the count it last saw to <see cref="WaitAsync"/>.</summary>
    public long Rings => Interlocked.Read(ref _rings);

    /// <summary>Whether a receiver of this queue (a pulling agent) runs in this process.</summary>
    public bool HasReceiver => Volatile.Read(ref _receivers) > 0;

    /// <summary>A receiver of this queue started in this process.</summary>
    public void ReceiverStarted() => Interlocked.Increment(ref _receivers);

    /// <summary>A receiver of this queue in this process shut down.</summary>
    public void ReceiverStopped() => Interlocked.Decrement(ref _receivers);

    /// <summary>A message was queued: wakes whoever waits.</summary>
    public void Ring()
    {
        // The count first, then the waiters (WaitAsync does the opposite): a waiter either sees the new count or is woken.
        Interlocked.Increment(ref _rings);
        if (Volatile.Read(ref _waiting) > 0) Interlocked.Exchange(ref _next, NewWaiter()).TrySetResult();
    }

    /// <summary>
    /// Waits until the bell rings after <paramref name="seen"/> rings, <paramref name="timeout"/> passes or
    /// <paramref name="cancellation"/> is cancelled; never throws.
    /// </summary>
    /// <returns>The ring count when the wait ended.</returns>
    public async Task<long> WaitAsync(long seen, TimeSpan timeout, TimeProvider time, CancellationToken cancellation)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            var next = Volatile.Read(ref _next).Task;
            if (Rings == seen && !cancellation.IsCancellationRequested)
            {
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                // No ConfigureAwait(false): the pulling agent's turn resumes on its own scheduler.
                await Task.WhenAny(next, Task.Delay(timeout, time, stop.Token));
                stop.Cancel();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        return Rings;
    }

    private static TaskCompletionSource NewWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
