using Orleans.Streams;

namespace OrleansSocket.Grains.Streaming;

/// <summary>
/// A stream queue receiver whose pulls back off while its queue is empty. Orleans' pulling agent pulls every
/// <c>PullPeriod</c> (<c>StreamPullingAgentOptions.GetQueueMsgsTimerPeriod</c>, fixed), and its timer waits for the pull
/// to finish before the next period starts: waiting here before pulling stretches the period. After the second empty
/// pull in a row the wait starts at one pull period and doubles, up to <c>IdlePullPeriod</c> between pulls; a pull that
/// finds messages ends the back-off, and a message queued in this process (<see cref="QueueDoorbell"/>) ends the wait
/// at once.
/// </summary>
internal sealed class BackOffQueueReceiver(IQueueAdapterReceiver inner, QueueDoorbell doorbell, TimeSpan pullPeriod,
    TimeSpan idlePullPeriod, TimeProvider time) : IQueueAdapterReceiver
{
    private readonly TimeSpan _maxWait = idlePullPeriod - pullPeriod; // the agent's timer adds one pull period
    private long _rings = doorbell.Rings;
    private int _emptyPulls;

    /// <summary>How long the next pull waits first (zero: it pulls at once).</summary>
    internal TimeSpan NextWait
    {
        get
        {
            if (_emptyPulls < 2 || _maxWait <= TimeSpan.Zero) return TimeSpan.Zero;
            var wait = pullPeriod * Math.Pow(2, Math.Min(_emptyPulls - 2, 30));
            return wait < _maxWait ? wait : _maxWait;
        }
    }

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var wait = NextWait;
        if (wait > TimeSpan.Zero)
        {
            _rings = await doorbell.WaitAsync(_rings, wait, time, cancellationToken);
            if (cancellationToken.IsCancellationRequested) return [];
        }
        else
        {
            _rings = doorbell.Rings;
        }
        var messages = await inner.GetQueueMessagesAsync(maxCount, cancellationToken);
        _emptyPulls = messages is { Count: > 0 } ? 0 : _emptyPulls + 1;
        return messages;
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public Task Initialize(TimeSpan timeout, CancellationToken cancellationToken) => inner.Initialize(timeout, cancellationToken);

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) =>
        inner.MessagesDeliveredAsync(messages, cancellationToken);

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken) => inner.Shutdown(timeout, cancellationToken);

    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);
}
