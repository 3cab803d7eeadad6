using System.Threading.Tasks.Sources;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// The wait of a socket whose events are handed to its grain one-way (<see cref="ISocketGrain.PostEvent"/>), the grain
/// running in this process: one post at a time, done when the grain reports it (<see cref="Done"/>), when the socket
/// closes (<see cref="Release"/>), or once <see cref="Timeout"/> has passed since the post, as Orleans' response timeout
/// bounds an awaited call.
/// </summary>
/// <remarks>
/// Why: an awaited call's response costs Orleans a message, a callback and the caller's continuation on the thread
/// pool, only to say "done" here, where the grain's answer has already been written. One reusable source and one timer
/// per socket replace them; the timer is armed once and re-armed only while posts are pending, not per event.
/// </remarks>
internal sealed class PostedEvents : IValueTaskSource<bool>
{
    private readonly string _gatewayId;
    private readonly string _connectionId;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private ManualResetValueTaskSourceCore<bool> _core;
    private ITimer? _timer;
    private bool _armed;
    private bool _waiting;
    private bool _released;
    private long _sequence;
    private long _postedAt;

    /// <param name="gatewayId">The gateway (adapter node) the grain reports to.</param>
    /// <param name="connectionId">The socket's connection, which the report names.</param>
    /// <param name="time">The clock of the timeout.</param>
    /// <param name="timeout">How long a post waits for its report.</param>
    public PostedEvents(string gatewayId, string connectionId, TimeProvider time, TimeSpan timeout)
    {
        _gatewayId = gatewayId;
        _connectionId = connectionId;
        _time = time;
        Timeout = timeout;
    }

    /// <summary>How long a post waits for the grain's report.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// Starts a post: the receipt to hand the grain, and the wait, which completes true when the grain reported it (or the
    /// socket closed) and false when <see cref="Timeout"/> passed first. The previous post's wait must have completed.
    /// </summary>
    public ValueTask<bool> Post(out EventReceipt receipt)
    {
        lock (_gate)
        {
            _core.Reset();
            receipt = new EventReceipt(_gatewayId, _connectionId, ++_sequence);
            // Closed while this post was on its way: nothing waits for it (the disconnect queues behind it in the grain).
            if (_released) return new ValueTask<bool>(true);
            _waiting = true;
            _postedAt = _time.GetTimestamp();
            if (!_armed)
            {
                _armed = true;
                (_timer ??= _time.CreateTimer(static s => ((PostedEvents)s!).OnTimer(), this, System.Threading.Timeout.InfiniteTimeSpan,
                    System.Threading.Timeout.InfiniteTimeSpan)).Change(Timeout, System.Threading.Timeout.InfiniteTimeSpan);
            }
            return new ValueTask<bool>(this, _core.Version);
        }
    }

    /// <summary>
    /// The grain reported post <paramref name="sequence"/> done; a report of an earlier post is ignored. The wait's
    /// continuation runs on the reporting thread (the grain's turn), so the socket's queue must not start its next item
    /// there (<see cref="SocketWorkQueue{TWork}"/> moves to the thread pool when it has one): with nothing queued, which is
    /// the common case, the event then costs no work item of its own here.
    /// </summary>
    public void Done(long sequence)
    {
        lock (_gate)
        {
            if (sequence != _sequence || !_waiting) return;
            _waiting = false;
        }
        Signal(true, inline: true);
    }

    /// <summary>The socket closed: a pending post's wait ends now (what follows it is the socket's disconnect).</summary>
    public void Release()
    {
        bool waiting;
        lock (_gate)
        {
            _released = true;
            waiting = _waiting;
            _waiting = false;
            _timer?.Dispose();
            _timer = null;
            _armed = false;
        }
        if (waiting) Signal(true, inline: false);
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (!_waiting || _timer is null)
            {
                _armed = false;
                return;
            }
            // The timer was armed for an earlier post: it waits the rest of this one's time.
            var left = Timeout - _time.GetElapsedTime(_postedAt);
            if (left > TimeSpan.Zero)
            {
                _timer.Change(left, System.Threading.Timeout.InfiniteTimeSpan);
                return;
            }
            _armed = false;
            _waiting = false;
        }
        Signal(false, inline: false);
    }

    /// <summary>
    /// Completes the wait, outside the lock and by one caller only (the one that cleared <see cref="_waiting"/>): its
    /// continuation runs on this thread when <paramref name="inline"/>, else on the thread pool (a timer's or a closing
    /// connection's thread is not where the socket's queue should go on).
    /// </summary>
    private void Signal(bool reported, bool inline)
    {
        _core.RunContinuationsAsynchronously = !inline;
        _core.SetResult(reported);
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
