namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// What a session holds for its client (engine.io's <c>writeBuffer</c>), bounded in packets and in bytes: a growable
/// ring of queued packets, and the bytes of those a transport took and has not written yet. Unlike a
/// <see cref="Queue{T}"/>, it drops the oldest queued volatile packet (with its attachments) to make room for one
/// that is not volatile. Not thread-safe: the session guards it.
/// </summary>
internal sealed class EngineOutbox(int maxPackets, long maxBytes)
{
    // Small at first: an idle connection keeps this array, and a busy one grows it once (doubling) to what it needs.
    private QueuedPacket[] _items = new QueuedPacket[2];
    private int _head;
    private int _count;
    private int _volatileCount;
    private long _queuedBytes;
    private long _inFlightBytes; // taken by a transport and not yet written: still held, so still counted

    /// <summary>Packets queued (not those taken).</summary>
    public int Count => _count;

    /// <summary>Payload bytes held for the client: queued, or taken by a transport and not yet written.</summary>
    public long BufferedBytes => _queuedBytes + _inFlightBytes;

    public int MaxPackets => maxPackets;
    public long MaxBytes => maxBytes;

    /// <summary>Queues a packet outside the bounds (the open and close packets).</summary>
    public void EnqueueControl(in QueuedPacket packet) => Push(packet);

    /// <summary>Queues a packet if it fits both bounds (see <see cref="MakeRoom"/>).</summary>
    public BufferBound TryEnqueue(in QueuedPacket packet)
    {
        var bound = MakeRoom(1, packet.Data.Length, packet.IsVolatile);
        if (bound == BufferBound.None) Push(packet);
        return bound;
    }

    /// <summary>Queues a text message and its binary attachments (possibly none) as one unit, if they all fit.</summary>
    public BufferBound TryEnqueueMessage(ReadOnlyMemory<byte> text, IReadOnlyList<byte[]> attachments, bool isVolatile)
    {
        var packets = 1 + attachments.Count;
        long bytes = text.Length;
        for (var i = 0; i < attachments.Count; i++) bytes += attachments[i].Length;
        // Room at once in the common case; MakeRoom drops volatile packets when a bound is hit.
        var bound = _count + packets <= maxPackets && BufferedBytes + bytes <= maxBytes
            ? BufferBound.None
            : MakeRoom(packets, bytes, isVolatile);
        if (bound != BufferBound.None) return bound;
        Push(new QueuedPacket(EnginePacketType.Message, text, false, isVolatile));
        for (var i = 0; i < attachments.Count; i++)
            Push(new QueuedPacket(EnginePacketType.Message, attachments[i], true, isVolatile, IsAttachment: true));
        return BufferBound.None;
    }

    /// <summary>
    /// Moves up to <paramref name="max"/> packets to <paramref name="batch"/>; stops after a close marker.
    /// Their bytes stay counted until the transport reports them written (<see cref="ReleaseWritten"/>).
    /// </summary>
    public void Take(List<QueuedPacket> batch, int max)
    {
        while (batch.Count < max && _count > 0)
        {
            var packet = _items[_head];
            _items[_head] = default; // release the payload reference
            _head = (_head + 1) % _items.Length;
            _count--;
            if (packet.IsVolatile) _volatileCount--;
            // Still held until written: moved from the queued bytes to those in flight.
            _queuedBytes -= packet.Data.Length;
            _inFlightBytes += packet.Data.Length;
            batch.Add(packet);
            if (packet.Type == EnginePacketType.Close) break;
        }
    }

    /// <summary>A transport wrote (or dropped) <paramref name="bytes"/> of payload it had taken.</summary>
    public void ReleaseWritten(long bytes) => _inFlightBytes -= bytes;

    /// <summary>Forgets what is queued (the session ended); what transports took is released as they finish.</summary>
    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        _count = 0;
        _volatileCount = 0;
        _queuedBytes = 0;
    }

    /// <summary>
    /// Whether <paramref name="packets"/> more packets of <paramref name="bytes"/> in all fit both bounds; for ones
    /// that are not volatile, the oldest queued volatile packets are dropped first to make room. Returns the bound
    /// that left no room, or <see cref="BufferBound.None"/>.
    /// </summary>
    private BufferBound MakeRoom(int packets, long bytes, bool isVolatile)
    {
        while (true)
        {
            var bound = _count + packets > maxPackets ? BufferBound.Packets
                : BufferedBytes + bytes > maxBytes ? BufferBound.Bytes
                : BufferBound.None;
            if (bound == BufferBound.None || isVolatile || !TryRemoveOldestVolatile()) return bound;
        }
    }

    private void Push(in QueuedPacket packet)
    {
        if (_count == _items.Length) Grow();
        _items[(_head + _count) % _items.Length] = packet;
        _count++;
        _queuedBytes += packet.Data.Length;
        if (packet.IsVolatile) _volatileCount++;
    }

    /// <summary>
    /// Removes the oldest queued volatile packet with its attachments (never attachments whose packet is already
    /// taken: the client expects them). O(n), but only runs when a bound is hit.
    /// </summary>
    private bool TryRemoveOldestVolatile()
    {
        if (_volatileCount == 0) return false;
        var length = _items.Length;
        for (var i = 0; i < _count; i++)
        {
            var first = _items[(_head + i) % length];
            if (!first.IsVolatile || first.IsAttachment) continue;
            var run = 1;
            while (i + run < _count && _items[(_head + i + run) % length].IsAttachment) run++;
            for (var k = i; k < i + run; k++)
            {
                var removed = _items[(_head + k) % length];
                _queuedBytes -= removed.Data.Length;
                if (removed.IsVolatile) _volatileCount--;
            }
            for (var j = i; j < _count - run; j++)
                _items[(_head + j) % length] = _items[(_head + j + run) % length];
            for (var j = _count - run; j < _count; j++)
                _items[(_head + j) % length] = default;
            _count -= run;
            return true;
        }
        return false;
    }

    private void Grow()
    {
        var next = new QueuedPacket[_items.Length * 2];
        for (var i = 0; i < _count; i++) next[i] = _items[(_head + i) % _items.Length];
        _items = next;
        _head = 0;
    }
}

/// <summary>Which bound of the outbox a packet did not fit in.</summary>
internal enum BufferBound
{
    None,
    Packets,
    Bytes,
}
