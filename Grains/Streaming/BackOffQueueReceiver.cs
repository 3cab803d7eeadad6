using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace OrleansSocket.Grains.Streaming;

/// <summary>
/// A stream queue receiver whose pulls back off while its queue is empty. Orleans' pulling agent pulls every
/// <c>PullPeriod</c> (<c>StreamPullingAgentOptions.GetQueueMsgsTimerPeriod</c>, fixed), and its timer waits for the pull
/// to finish before the next period starts: waiting here before pulling stretches the period. After the second empty
/// pull in a row the wait starts at one pull period and doubles, up to <c>IdlePullPeriod</c> between pulls; a pull that
/// finds messages ends the back-off, and a message queued in this process (<see cref="QueueDoorbell"/>) ends the wait
/// at once; one queued in another process too, through the queue's doorbell grain, where the receiver listens
/// (<paramref name="remote"/>: registered when it first waits, renewed every <see cref="StreamQueueListener.Renewal"/>
/// while it waits).
/// </summary>
internal sealed class BackOffQueueReceiver(IQueueAdapterReceiver inner, QueueDoorbell doorbell, TimeSpan pullPeriod,
    TimeSpan idlePullPeriod, TimeProvider time, IQueueListenerRegistration? remote = null, ILogger? logger = null) : IQueueAdapterReceiver
{
    private readonly TimeSpan _maxWait = idlePullPeriod - pullPeriod; // the agent's timer adds one pull period
    private long _rings = doorbell.Rings;
    private int _emptyPulls;
    private long? _listenedAt;

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
            await ListenIfDueAsync();
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

    /// <summary>Registers (or renews) the listener with the doorbell grain before a wait; a ring during the call is not lost
    /// (the wait that follows sees the ring count move).</summary>
    private async Task ListenIfDueAsync()
    {
        if (remote is null || (_listenedAt is { } at && time.GetElapsedTime(at) < StreamQueueListener.Renewal)) return;
        _listenedAt = time.GetTimestamp();
        try
        {
            await remote.ListenAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A hint only, which must not fail the pull: without the listener a broadcast from another process waits for
            // the next pull; retried at the next renewal.
            if (logger is not null) StreamingLog.ListenFailed(logger, remote.ToString() ?? "", e);
        }
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await inner.Initialize(timeout, cancellationToken);
        doorbell.ReceiverStarted();
    }

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) =>
        inner.MessagesDeliveredAsync(messages, cancellationToken);

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public async Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        doorbell.ReceiverStopped();
        try
        {
            if (remote is not null) await remote.LeaveAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The doorbell grain drops a listener that is not renewed; the queue's own shutdown goes on.
        }
        await inner.Shutdown(timeout, cancellationToken);
    }

    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);
}
