using System.Threading.Tasks.Sources;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// A wake-up for one waiting task: what a bounded channel of one item that drops further writes gives, without the
/// channel's reader, writer, queue and waiter objects, which every idle connection held (about 700 bytes, measured in
/// docs/performance.md). <see cref="Set"/> marks it signalled, completing the waiter if there is one;
/// <see cref="WaitAsync"/> returns at once when it is signalled (and clears it), else waits for <see cref="Set"/> or
/// the token. One waiter at a time; a wait allocates nothing but the token's registration.
/// </summary>
internal sealed class WakeSignal : IValueTaskSource
{
    private const int Idle = 0, Signalled = 1, Waiting = 2;

    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _registration;
    private int _state;

    /// <summary>Signals: completes the waiting task, or the next wait. Further signals before that are dropped.</summary>
    public void Set()
    {
        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case Signalled:
                    return;
                case Idle:
                    if (Interlocked.CompareExchange(ref _state, Signalled, Idle) == Idle) return;
                    break;
                default:
                    if (Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting)
                    {
                        _core.SetResult(true);
                        return;
                    }
                    break;
            }
        }
    }

    /// <summary>Completes when signalled (at once when it already is); throws <see cref="OperationCanceledException"/> when <paramref name="token"/> is cancelled first.</summary>
    public ValueTask WaitAsync(CancellationToken token)
    {
        if (token.IsCancellationRequested) return ValueTask.FromCanceled(token);
        if (Interlocked.CompareExchange(ref _state, Idle, Signalled) == Signalled) return default;
        _core.Reset();
        // Registered before the wait is published, so no Set can complete it and reach GetResult before the
        // registration is stored; a cancellation meanwhile finds no waiter and is checked again below.
        _registration = token.CanBeCanceled
            ? token.UnsafeRegister(static (s, t) => ((WakeSignal)s!).Cancel(t), this)
            : default;
        if (Interlocked.CompareExchange(ref _state, Waiting, Idle) != Idle)
        {
            // Signalled since the check above (only a wait clears a signal): take it.
            Volatile.Write(ref _state, Idle);
            _registration.Dispose();
            return default;
        }
        if (token.IsCancellationRequested) Cancel(token);
        return new ValueTask(this, _core.Version);
    }

    private void Cancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting) _core.SetException(new OperationCanceledException(token));
    }

    void IValueTaskSource.GetResult(short token)
    {
        try
        {
            _core.GetResult(token);
        }
        finally
        {
            _registration.Dispose();
            _registration = default;
        }
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
