using OrleansSocket.Gateway.Hosting;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// Gathers the client events of this gateway's sockets into batches, one call to the silos each
/// (<see cref="ISocketLinkGrain.HandleEvents"/>), and hands each event its own outcome. Flush policy: with no batch in
/// flight an event goes at once (no timer, so a lone event waits for nothing); events that come while batches are in
/// flight wait for the next return and go together; a batch holds at most <see cref="EventBatchingOptions.MaxEvents"/>
/// events and <see cref="EventBatchingOptions.MaxBytes"/> bytes (at least one event), and when that much waits, another
/// batch goes, up to <see cref="EventBatchingOptions.MaxInFlight"/> in flight.
/// </summary>
/// <remarks>
/// Order: each socket's work queue sends its next event only when this one's outcome is back, so a socket has at most one
/// event in the batches in flight, and batches may arrive and return in any order. A failed batch call fails each of
/// its events, as the event's own grain call would have failed.
/// </remarks>
internal sealed class EventBatcher
{
    private readonly Func<EventBatch, Task<EventBatchResult>> _send;
    private readonly int _maxEvents;
    private readonly long _maxBytes;
    private readonly int _maxInFlight;
    private readonly Lock _gate = new();
    private readonly Queue<Pending> _waiting = new();
    private long _waitingBytes;
    private int _inFlight;
    private long _batchesSent;

    /// <param name="send">One call to the silos for a batch.</param>
    /// <param name="options">The bounds.</param>
    public EventBatcher(Func<EventBatch, Task<EventBatchResult>> send, EventBatchingOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxEvents, 1, nameof(options.MaxEvents));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBytes, 1, nameof(options.MaxBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxInFlight, 1, nameof(options.MaxInFlight));
        _send = send;
        _maxEvents = options.MaxEvents;
        _maxBytes = options.MaxBytes;
        _maxInFlight = options.MaxInFlight;
    }

    /// <summary>Events waiting for a batch (not yet sent).</summary>
    public int Waiting { get { lock (_gate) return _waiting.Count; } }

    /// <summary>Batches sent so far.</summary>
    public long BatchesSent { get { lock (_gate) return _batchesSent; } }

    /// <summary>Batches sent whose answer has not come back.</summary>
    public int InFlight { get { lock (_gate) return _inFlight; } }

    /// <summary>
    /// Sends <paramref name="clientEvent"/> of socket <paramref name="socketId"/> in a batch; completes with what its
    /// <see cref="ISocketGrain.HandleEvent"/> returned, or faults with what it threw (or with the batch call's failure).
    /// </summary>
    /// <param name="socketId">The socket (grain key).</param>
    /// <param name="clientEvent">The event.</param>
    /// <param name="bytes">Its size as received, counted against <see cref="EventBatchingOptions.MaxBytes"/>.</param>
    public Task<SocketPayload?> HandleEventAsync(string socketId, ClientEvent clientEvent, long bytes)
    {
        var pending = new Pending(socketId, clientEvent, Math.Max(bytes, 0));
        Pending[]? batch;
        lock (_gate)
        {
            _waiting.Enqueue(pending);
            _waitingBytes += pending.Bytes;
            batch = _inFlight == 0 || IsFullLocked() ? TakeLocked() : null;
        }
        if (batch is not null) _ = SendAsync(batch);
        return pending.Task;
    }

    private bool IsFullLocked() => _waiting.Count >= _maxEvents || _waitingBytes >= _maxBytes;

    /// <summary>The next batch from the waiting events, counted in flight; null when none may go now.</summary>
    private Pending[]? TakeLocked()
    {
        if (_waiting.Count == 0 || _inFlight >= _maxInFlight) return null;
        var count = 0;
        long bytes = 0;
        foreach (var waiting in _waiting)
        {
            if (count == _maxEvents || (count > 0 && bytes + waiting.Bytes > _maxBytes)) break;
            count++;
            bytes += waiting.Bytes;
        }
        var batch = new Pending[count];
        for (var i = 0; i < count; i++) batch[i] = _waiting.Dequeue();
        _waitingBytes -= bytes;
        _inFlight++;
        _batchesSent++;
        return batch;
    }

    private async Task SendAsync(Pending[] sent)
    {
        Pending[]? batch = sent;
        EventBatchResult? result = null;
        Exception? failure = null;
        try
        {
            var ids = new string[sent.Length];
            var events = new ClientEvent[sent.Length];
            for (var i = 0; i < sent.Length; i++)
            {
                ids[i] = sent[i].SocketId;
                events[i] = sent[i].Event;
            }
            result = await _send(new EventBatch(ids, events));
            result.EnsureAnswers(sent.Length);
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        // The outcomes first, while this batch still counts in flight: the sockets' continuations (their acks, their next
        // events) run here, and the next events gather for the batch that goes below, rather than each going alone.
        for (var i = 0; i < sent.Length; i++)
        {
            if (failure is not null) sent[i].TrySetException(failure);
            else if (result!.Errors?[i] is { } error) sent[i].TrySetException(error);
            else sent[i].TrySetResult(result.Acks[i]);
        }
        while (true)
        {
            Pending[]? next;
            lock (_gate)
            {
                if (batch is not null)
                {
                    _inFlight--;
                    batch = null;
                    next = TakeLocked(); // a slot came free: whatever waits goes now
                }
                else next = IsFullLocked() ? TakeLocked() : null; // more than a batch waits
            }
            if (next is null) return;
            _ = SendAsync(next);
        }
    }

    /// <summary>One event waiting for its outcome. Continuations run on the thread that completes it (the batch's
    /// answer): each socket's ack goes out and its next event joins the next batch without a thread hop.</summary>
    private sealed class Pending(string socketId, ClientEvent clientEvent, long bytes) : TaskCompletionSource<SocketPayload?>
    {
        public string SocketId { get; } = socketId;
        public ClientEvent Event { get; } = clientEvent;
        public long Bytes { get; } = bytes;
    }
}
