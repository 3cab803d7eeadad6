namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// A growable ring of outbound packets (not thread-safe; the session guards it).
/// Unlike <see cref="Queue{T}"/> it can drop the oldest volatile packet to make room when the session's bound is hit,
/// and it keeps the payload bytes it holds, for the session's bound in bytes.
/// </summary>
internal sealed class PacketQueue
{
    private QueuedPacket[] _items = new QueuedPacket[8];
    private int _head;
    private int _count;
    private int _volatileCount;
    private long _bytes;

    public int Count => _count;

    /// <summary>Sum of the queued packets' payload lengths.</summary>
    public long Bytes => _bytes;

    public void Enqueue(in QueuedPacket packet)
    {
        if (_count == _items.Length) Grow();
        _items[(_head + _count) % _items.Length] = packet;
        _count++;
        _bytes += packet.Data.Length;
        if (packet.IsVolatile) _volatileCount++;
    }

    public QueuedPacket Dequeue()
    {
        if (_count == 0) throw new InvalidOperationException("The queue is empty.");
        var packet = _items[_head];
        _items[_head] = default; // release the payload reference
        _head = (_head + 1) % _items.Length;
        _count--;
        _bytes -= packet.Data.Length;
        if (packet.IsVolatile) _volatileCount--;
        return packet;
    }

    public QueuedPacket Peek() => _count == 0 ? throw new InvalidOperationException("The queue is empty.") : _items[_head];

    /// <summary>
    /// Removes the oldest queued volatile packet with its attachments (never attachments whose packet is already
    /// taken: the client expects them). O(n), but only runs when a bound is hit.
    /// </summary>
    public bool TryRemoveOldestVolatile()
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
                _bytes -= removed.Data.Length;
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

    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        _count = 0;
        _volatileCount = 0;
        _bytes = 0;
    }

    private void Grow()
    {
        var next = new QueuedPacket[_items.Length * 2];
        for (var i = 0; i < _count; i++) next[i] = _items[(_head + i) % _items.Length];
        _items = next;
        _head = 0;
    }
}
