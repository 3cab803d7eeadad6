namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// Server→client ack correlation for one socket: each emit that wants an answer gets the next ack id, and the
/// client's ACK with that id completes it. An emit that is not answered in time is forgotten; once the socket
/// closed, every waiting emit fails and no new one is taken.
/// </summary>
internal sealed class ServerAcks(TimeProvider time)
{
    private static readonly TimeSpan MaxTimerDue = TimeSpan.FromMilliseconds(uint.MaxValue - 1);
    private readonly Lock _gate = new();
    private Dictionary<long, TaskCompletionSource<SocketPayload>>? _waiting;
    private Dictionary<long, Kept>? _kept;
    private long _nextId;
    private bool _closed;

    /// <summary>Emits waiting for their ACK.</summary>
    public int Count { get { lock (_gate) return _waiting?.Count ?? 0; } }

    /// <summary>Takes the next ack id; false once closed.</summary>
    public bool TryAdd(out long id, out Task<SocketPayload> answer)
    {
        var tcs = new TaskCompletionSource<SocketPayload>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_closed)
            {
                id = -1;
                answer = Task.FromCanceled<SocketPayload>(new CancellationToken(true));
                return false;
            }
            id = _nextId++;
            (_waiting ??= [])[id] = tcs;
        }
        answer = tcs.Task;
        return true;
    }

    /// <summary>Waits for the answer to <paramref name="id"/>; forgets the id when <paramref name="timeout"/> passes first.</summary>
    /// <exception cref="TimeoutException">no answer in time.</exception>
    public async Task<SocketPayload> WaitAsync(long id, Task<SocketPayload> answer, TimeSpan timeout)
    {
        try
        {
            return await answer.WaitAsync(timeout, time);
        }
        catch (TimeoutException)
        {
            lock (_gate) _waiting?.Remove(id);
            throw;
        }
    }

    /// <summary>
    /// Keeps the outcome of emit <paramref name="id"/> (its answer, its time-out, or the close) until <see cref="Collect"/>
    /// takes it: the grain asks for it in a call of its own, which may come after the answer. The grain's call normally
    /// comes at once; one that never comes (the grain's silo died between its two calls) must not leave the outcome, with
    /// the client's ack arguments, held until the socket closes: an outcome not collected within twice
    /// <paramref name="timeout"/> (the emit's own time-out, by which it is settled, and as long again for the call) is
    /// dropped.
    /// </summary>
    public void Keep(long id, Task<SocketPayload> outcome, TimeSpan timeout)
    {
        var kept = new Kept(outcome);
        Kept? replaced;
        lock (_gate)
        {
            _kept ??= [];
            _kept.Remove(id, out replaced);
            _kept[id] = kept;
        }
        replaced?.Timer?.Dispose();
        // An emit without a time-out (infinite) waits as long as the socket lives, as in Node; so does its outcome.
        if (timeout < TimeSpan.Zero || timeout > MaxTimerDue / 2) return;
        // Started once the entry is in: a drop due at once (a zero time-out) finds what it drops.
        var timer = time.CreateTimer(static state => ((DropRequest)state!).Run(), new DropRequest(this, id, kept),
            timeout * 2, Timeout.InfiniteTimeSpan);
        bool stillKept;
        lock (_gate)
        {
            stillKept = _kept?.TryGetValue(id, out var current) == true && current == kept;
            if (stillKept) kept.Timer = timer;
        }
        if (!stillKept) timer.Dispose(); // collected or dropped meanwhile
    }

    /// <summary>Outcomes <see cref="Keep"/> holds, not yet collected or dropped.</summary>
    public int KeptCount { get { lock (_gate) return _kept?.Count ?? 0; } }

    /// <summary>Takes the outcome <see cref="Keep"/> holds for <paramref name="id"/>; null when there is none.</summary>
    public Task<SocketPayload>? Collect(long id)
    {
        Kept? kept = null;
        lock (_gate) _kept?.Remove(id, out kept);
        if (kept is null) return null;
        kept.Timer?.Dispose();
        return kept.Outcome;
    }

    private void Drop(long id, Kept kept)
    {
        lock (_gate)
        {
            if (_kept is null || !_kept.TryGetValue(id, out var current) || current != kept) return;
            _kept.Remove(id);
        }
        kept.Timer?.Dispose();
        // Nobody will await it: observe a failure here rather than leave it to the finalizer's unobserved-task event.
        if (kept.Outcome.IsFaulted) _ = kept.Outcome.Exception;
    }

    /// <summary>The client's ACK; an unknown or late id is ignored.</summary>
    public void Answer(long id, SocketPayload payload)
    {
        TaskCompletionSource<SocketPayload>? tcs = null;
        lock (_gate) _waiting?.Remove(id, out tcs);
        tcs?.TrySetResult(payload);
    }

    /// <summary>The socket closed: every waiting emit fails with <paramref name="error"/>, later ones are refused.</summary>
    public void Close(Exception error)
    {
        Dictionary<long, TaskCompletionSource<SocketPayload>>? waiting;
        lock (_gate)
        {
            _closed = true;
            waiting = _waiting;
            _waiting = null;
        }
        if (waiting is null) return;
        foreach (var tcs in waiting.Values) tcs.TrySetException(error);
    }

    private sealed class Kept(Task<SocketPayload> outcome)
    {
        public Task<SocketPayload> Outcome { get; } = outcome;

        /// <summary>The drop's timer; null until it is started, or without a time-out.</summary>
        public ITimer? Timer { get; set; }
    }

    private sealed class DropRequest(ServerAcks owner, long id, Kept kept)
    {
        public void Run() => owner.Drop(id, kept);
    }
}
