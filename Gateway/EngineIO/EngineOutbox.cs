namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// What a session holds for its client (engine.io's <c>writeBuffer</c>), bounded in packets and in bytes: the
/// queued packets, and those a transport took and has not written yet. Not thread-safe: the session guards it.
/// </summary>
internal sealed class EngineOutbox(int maxPackets, long maxBytes)
{
    private readonly PacketQueue _queue = new();
    private long _inFlightBytes; // taken by a transport and not yet written: still held, so still counted

    /// <summary>Packets queued (not those taken).</summary>
    public int Count => _queue.Count;

    /// <summary>Payload bytes held for the client: queued, or taken by a transport and not yet written.</summary>
    public long BufferedBytes => _queue.Bytes + _inFlightBytes;

    public int MaxPackets => maxPackets;
    public long MaxBytes => maxBytes;

    /// <summary>Queues a packet outside the bounds (the open and close packets).</summary>
    public void EnqueueControl(in QueuedPacket packet) => _queue.Enqueue(packet);

    /// <summary>Queues a packet if it fits both bounds (see <see cref="MakeRoom"/>).</summary>
    public BufferBound TryEnqueue(in QueuedPacket packet)
    {
        var bound = MakeRoom(1, packet.Data.Length, packet.IsVolatile);
        if (bound == BufferBound.None) _queue.Enqueue(packet);
        return bound;
    }

    /// <summary>Queues a text packet and its binary attachments as one unit, if they all fit.</summary>
    public BufferBound TryEnqueueWithAttachments(ReadOnlyMemory<byte> text, IReadOnlyList<byte[]> attachments, bool isVolatile)
    {
        long bytes = text.Length;
        foreach (var attachment in attachments) bytes += attachment.Length;
        var bound = MakeRoom(1 + attachments.Count, bytes, isVolatile);
        if (bound != BufferBound.None) return bound;
        _queue.Enqueue(new QueuedPacket(EnginePacketType.Message, text, false, isVolatile));
        foreach (var attachment in attachments)
            _queue.Enqueue(new QueuedPacket(EnginePacketType.Message, attachment, true, isVolatile, IsAttachment: true));
        return BufferBound.None;
    }

    /// <summary>
    /// Moves up to <paramref name="max"/> packets to <paramref name="batch"/>; stops after a close marker.
    /// Their bytes stay counted until the transport reports them written (<see cref="ReleaseWritten"/>).
    /// </summary>
    public void Take(List<QueuedPacket> batch, int max)
    {
        while (batch.Count < max && _queue.Count > 0)
        {
            var packet = _queue.Dequeue();
            _inFlightBytes += packet.Data.Length;
            batch.Add(packet);
            if (packet.Type == EnginePacketType.Close) break;
        }
    }

    /// <summary>A transport wrote (or dropped) <paramref name="bytes"/> of payload it had taken.</summary>
    public void ReleaseWritten(long bytes) => _inFlightBytes -= bytes;

    /// <summary>Forgets what is queued (the session ended); what transports took is released as they finish.</summary>
    public void Clear() => _queue.Clear();

    /// <summary>
    /// Whether <paramref name="packets"/> more packets of <paramref name="bytes"/> in all fit both bounds; for ones
    /// that are not volatile, the oldest queued volatile packets are dropped first to make room. Returns the bound
    /// that left no room, or <see cref="BufferBound.None"/>.
    /// </summary>
    private BufferBound MakeRoom(int packets, long bytes, bool isVolatile)
    {
        while (true)
        {
            var bound = _queue.Count + packets > maxPackets ? BufferBound.Packets
                : BufferedBytes + bytes > maxBytes ? BufferBound.Bytes
                : BufferBound.None;
            if (bound == BufferBound.None || isVolatile || !_queue.TryRemoveOldestVolatile()) return bound;
        }
    }
}

/// <summary>Which bound of the outbox a packet did not fit in.</summary>
internal enum BufferBound
{
    None,
    Packets,
    Bytes,
}
