using System.Threading.Channels;

namespace OrleansSocket.Grains.Adapters;

/// <summary>What became of a broadcast offered to a <see cref="LocalBroadcastQueue"/>.</summary>
internal enum LocalAdmission
{
    /// <summary>Queued (at once, or after waiting for room).</summary>
    Queued,
    /// <summary>Volatile and no room for it now: dropped.</summary>
    Dropped,
    /// <summary>Dropped, the first drop since the queue last took a broadcast (to log once per run of drops).</summary>
    DroppingStarted,
    /// <summary>The queue was completed (its node detached) before the broadcast got in: not queued.</summary>
    Closed,
}

/// <summary>
/// The broadcasts published in this process for one node (<see cref="OrleansNodeReceiver.DeliverHereAsync"/>), in the
/// order they got in, bounded in broadcasts (<see cref="SocketIOStreamOptions.MaxLocalBroadcastQueueLength"/>) and in bytes
/// (<see cref="SocketIOStreamOptions.MaxLocalBroadcastQueueBytes"/>, <see cref="SizeOf"/>). A broadcast stays counted until
/// <see cref="Release"/>, after its delivery, so the one being delivered counts too. A broadcast that does not fit waits
/// (the publisher's back-pressure), behind every broadcast already waiting, until a release makes room; a volatile one is
/// dropped instead (also while others wait, as they would get the room first). One broadcast larger than the byte bound
/// on its own gets in once the queue is empty and is delivered alone: a packet is not split, and its bytes are already
/// held by its publisher, who waits meanwhile.
/// </summary>
internal sealed class LocalBroadcastQueue
{
    private readonly int _maxLength;
    private readonly long _maxBytes;
    private readonly Channel<QueuedBroadcast> _channel = Channel.CreateUnbounded<QueuedBroadcast>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly Queue<Waiter> _waiters = new();
    private int _count;
    private long _bytes;
    private long _dropped;
    private bool _dropping;
    private bool _completed;

    /// <summary>A queue holding at most <paramref name="maxLength"/> broadcasts and <paramref name="maxBytes"/> bytes.</summary>
    public LocalBroadcastQueue(int maxLength, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _maxLength = maxLength;
        _maxBytes = maxBytes;
    }

    /// <summary>Broadcasts queued and not yet released.</summary>
    public int Count
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>Bytes (<see cref="SizeOf"/>) of the broadcasts queued and not yet released.</summary>
    public long Bytes
    {
        get { lock (_gate) return _bytes; }
    }

    /// <summary>Publishers waiting for room.</summary>
    public int Waiting
    {
        get { lock (_gate) return _waiters.Count; }
    }

    /// <summary>Volatile broadcasts dropped since the start because a bound was reached.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The queued broadcasts as they come, for one reader; each stays counted until <see cref="Release"/>.</summary>
    public ChannelReader<QueuedBroadcast> Reader => _channel.Reader;

    /// <summary>
    /// The bytes a queued broadcast holds: its arguments' JSON, its binary attachments, and its event and room names
    /// (two bytes a character, as .NET strings hold them); not the objects' headers. Nothing is encoded yet while it waits:
    /// the node encodes it once, when it is delivered.
    /// </summary>
    public static long SizeOf(GatewayBroadcast broadcast)
    {
        var payload = broadcast.Packet.Payload;
        long size = payload.ArgsJson.Length;
        if (payload.Attachments is { } attachments)
            foreach (var attachment in attachments) size += attachment.Length;
        long chars = broadcast.Packet.Event.Length;
        foreach (var room in broadcast.Rooms) chars += room.Length;
        foreach (var room in broadcast.ExceptRooms) chars += room.Length;
        return size + 2 * chars;
    }

    /// <summary>
    /// Queues <paramref name="broadcast"/>: at once when both bounds leave room and nobody waits; else a volatile one is
    /// dropped and any other waits for its turn.
    /// </summary>
    public ValueTask<LocalAdmission> EnqueueAsync(GatewayBroadcast broadcast)
    {
        var entry = new QueuedBroadcast(broadcast, SizeOf(broadcast));
        Waiter waiter;
        lock (_gate)
        {
            if (_completed) return ValueTask.FromResult(LocalAdmission.Closed);
            if (_waiters.Count == 0 && Fits(entry.Size))
            {
                Admit(entry);
                return ValueTask.FromResult(LocalAdmission.Queued);
            }
            if (broadcast.Packet.Volatile)
            {
                Interlocked.Increment(ref _dropped);
                var started = !_dropping;
                _dropping = true;
                return ValueTask.FromResult(started ? LocalAdmission.DroppingStarted : LocalAdmission.Dropped);
            }
            waiter = new Waiter(entry);
            _waiters.Enqueue(waiter);
        }
        return new ValueTask<LocalAdmission>(waiter.Admitted.Task);
    }

    /// <summary>Gives back the room of a broadcast read from <see cref="Reader"/>, once delivered; lets in those waiting that now fit.</summary>
    public void Release(QueuedBroadcast queued)
    {
        lock (_gate)
        {
            _count--;
            _bytes -= queued.Size;
            while (_waiters.TryPeek(out var next) && Fits(next.Entry.Size))
            {
                _waiters.Dequeue();
                Admit(next.Entry);
                // Its publisher continues on the thread pool, not inside this lock or the delivery loop.
                next.Admitted.TrySetResult(LocalAdmission.Queued);
            }
        }
    }

    /// <summary>
    /// Takes nothing more: the reader still gets what was queued; publishers still waiting are let go unqueued
    /// (<see cref="LocalAdmission.Closed"/>), as their node is gone.
    /// </summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            _channel.Writer.TryComplete();
            while (_waiters.TryDequeue(out var waiter)) waiter.Admitted.TrySetResult(LocalAdmission.Closed);
        }
    }

    // An empty queue takes any one broadcast, however large: it is delivered alone.
    private bool Fits(long size) => _count < _maxLength && (_count == 0 || size <= _maxBytes - _bytes);

    private void Admit(QueuedBroadcast entry)
    {
        _count++;
        _bytes += entry.Size;
        _dropping = false;
        // Under the lock: the reader sees the broadcasts in the order they got their room.
        _channel.Writer.TryWrite(entry);
    }

    private sealed class Waiter(QueuedBroadcast entry)
    {
        public QueuedBroadcast Entry { get; } = entry;

        public TaskCompletionSource<LocalAdmission> Admitted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>A broadcast in a <see cref="LocalBroadcastQueue"/> and the bytes it is counted for.</summary>
/// <param name="Broadcast">The broadcast.</param>
/// <param name="Size">Its <see cref="LocalBroadcastQueue.SizeOf"/>.</param>
internal readonly record struct QueuedBroadcast(GatewayBroadcast Broadcast, long Size);
