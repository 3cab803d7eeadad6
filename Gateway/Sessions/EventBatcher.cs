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
/// A socket gives its events that queued up together (its work queue's <see cref="SocketIOOptions.MaxEventsPerSocketCall"/>),
/// and they travel next to each other in one batch, so a client with several events in flight costs a share of one
/// round trip rather than one round trip per event. Order: each socket's work queue gives its next events only when
/// these outcomes are back, so a socket has at most one group in the batches in flight, and batches may arrive and
/// return in any order. A failed batch call fails each of its events, as the socket's own grain call would have failed.
/// </remarks>
internal sealed class EventBatcher
{
    private readonly Func<EventBatch, Task<EventBatchResult>> _send;
    private readonly SocketIOMeters? _meters;
    private readonly TimeProvider _time;
    private readonly int _maxEvents;
    private readonly long _maxBytes;
    private readonly int _maxInFlight;
    private readonly Lock _gate = new();
    private readonly Queue<Pending> _waiting = new();
    private int _waitingEvents;
    private long _waitingBytes;
    private int _inFlight;
    private long _batchesSent;

    /// <param name="send">One call to the silos for a batch.</param>
    /// <param name="options">The bounds.</param>
    /// <param name="meters">Where each batch's time to its answer is recorded (<see cref="SocketIOInstrumentation.EventBatchDuration"/>),
    /// while anyone listens; null: nowhere.</param>
    /// <param name="time">The clock of those times.</param>
    public EventBatcher(Func<EventBatch, Task<EventBatchResult>> send, EventBatchingOptions options, SocketIOMeters? meters = null, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxEvents, 1, nameof(options.MaxEvents));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBytes, 1, nameof(options.MaxBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxInFlight, 1, nameof(options.MaxInFlight));
        _send = send;
        _meters = meters;
        _time = time ?? TimeProvider.System;
        _maxEvents = options.MaxEvents;
        _maxBytes = options.MaxBytes;
        _maxInFlight = options.MaxInFlight;
    }

    /// <summary>Events waiting for a batch (not yet sent).</summary>
    public int Waiting { get { lock (_gate) return _waitingEvents; } }

    /// <summary>Batches sent so far.</summary>
    public long BatchesSent { get { lock (_gate) return _batchesSent; } }

    /// <summary>Batches sent whose answer has not come back.</summary>
    public int InFlight { get { lock (_gate) return _inFlight; } }

    /// <summary>
    /// Sends <paramref name="clientEvents"/> of socket <paramref name="socketId"/>, in their order, next to each other in a
    /// batch; completes with each one's outcome as <see cref="ISocketGrain.HandleEvents"/> gives them, or faults with the
    /// batch call's failure.
    /// </summary>
    /// <param name="socketId">The socket (grain key).</param>
    /// <param name="clientEvents">Its events (at least one), in the order they came.</param>
    /// <param name="bytes">Their size as received, counted against <see cref="EventBatchingOptions.MaxBytes"/>.</param>
    public Task<EventBatchResult> HandleEventsAsync(string socketId, ClientEvent[] clientEvents, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfZero(clientEvents.Length, nameof(clientEvents));
        var pending = new Pending(socketId, clientEvents, Math.Max(bytes, 0));
        Pending[]? batch;
        lock (_gate)
        {
            _waiting.Enqueue(pending);
            _waitingEvents += clientEvents.Length;
            _waitingBytes += pending.Bytes;
            batch = _inFlight == 0 || IsFullLocked() ? TakeLocked() : null;
        }
        if (batch is not null) _ = SendAsync(batch);
        return pending.Task;
    }

    private bool IsFullLocked() => _waitingEvents >= _maxEvents || _waitingBytes >= _maxBytes;

    /// <summary>
    /// The next batch from the waiting events, counted in flight; null when none may go now. A socket's group is not
    /// split; the first one goes whatever its size.
    /// </summary>
    private Pending[]? TakeLocked()
    {
        if (_waiting.Count == 0 || _inFlight >= _maxInFlight) return null;
        var count = 0;
        var events = 0;
        long bytes = 0;
        foreach (var waiting in _waiting)
        {
            if (count > 0 && (events + waiting.Events.Length > _maxEvents || bytes + waiting.Bytes > _maxBytes)) break;
            count++;
            events += waiting.Events.Length;
            bytes += waiting.Bytes;
        }
        var batch = new Pending[count];
        for (var i = 0; i < count; i++) batch[i] = _waiting.Dequeue();
        _waitingEvents -= events;
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
        var count = 0;
        foreach (var pending in sent) count += pending.Events.Length;
        var started = _meters?.TimesBatches == true ? _time.GetTimestamp() : 0;
        try
        {
            var ids = new string[count];
            var events = new ClientEvent[count];
            var at = 0;
            foreach (var pending in sent)
            {
                foreach (var clientEvent in pending.Events)
                {
                    ids[at] = pending.SocketId;
                    events[at++] = clientEvent;
                }
            }
            result = await _send(new EventBatch(ids, events));
            result.EnsureAnswers(count);
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        if (started != 0) _meters!.EventBatchAnswered(_time.GetElapsedTime(started), failure);
        // The outcomes first, while this batch still counts in flight: the sockets' continuations (their acks, their next
        // events) run here, and the next events gather for the batch that goes below, rather than each going alone.
        var start = 0;
        foreach (var pending in sent)
        {
            if (failure is not null) pending.TrySetException(failure);
            else pending.TrySetResult(Slice(result!, start, pending.Events.Length));
            start += pending.Events.Length;
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

    /// <summary>The outcomes of one socket's group: <paramref name="count"/> of the batch's from <paramref name="start"/>.</summary>
    private static EventBatchResult Slice(EventBatchResult result, int start, int count)
    {
        if (start == 0 && count == result.Acks.Length) return result;
        var errors = result.Errors?[start..(start + count)];
        return new EventBatchResult(result.Acks[start..(start + count)], errors is null || Array.TrueForAll(errors, e => e is null) ? null : errors);
    }

    /// <summary>One socket's events waiting for their outcomes. Continuations run on the thread that completes it (the
    /// batch's answer): each socket's acks go out and its next events join the next batch without a thread hop.</summary>
    private sealed class Pending(string socketId, ClientEvent[] clientEvents, long bytes) : TaskCompletionSource<EventBatchResult>
    {
        public string SocketId { get; } = socketId;
        public ClientEvent[] Events { get; } = clientEvents;
        public long Bytes { get; } = bytes;
    }
}
