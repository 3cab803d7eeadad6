using OrleansSocket.Gateway.EngineIO;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// What one Engine.IO connection holds of its client's input: the packets read and not yet handled by their
/// socket grain (queued or being handled, in every namespace of the connection), and the binary packet still
/// waiting for attachments. Bounded in packets and bytes: the transport waits for room before it reads the next
/// message, so a client that writes faster than its handlers run is held back by TCP (or its POST waits).
/// <para>
/// One budget per connection, not per namespace: a connection is one TCP stream (or one POST at a time), so
/// the receive side can only stop for all its namespaces together, and the memory bound holds whatever
/// number of namespaces the client joins.
/// </para>
/// <para>
/// A message always gets in when nothing of the connection is queued (so one packet larger than the byte
/// bound, up to the transport's own limit, or a partial binary packet larger than it, can still arrive).
/// Otherwise it gets in while fewer than <c>maxPackets</c> are queued and the queued, pending and new bytes
/// together stay within <c>maxBytes</c>.
/// </para>
/// </summary>
internal sealed class InboundBudget : IInboundCharges, IEngineInbound
{
    private readonly Lock _gate = new();
    private readonly int _maxPackets;
    private readonly long _maxBytes;
    private int _packets;
    private long _bytes;
    private long _pendingBytes;
    private bool _closed;
    private TaskCompletionSource? _room;

    public InboundBudget(int maxPackets, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPackets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _maxPackets = maxPackets;
        _maxBytes = maxBytes;
    }

    /// <summary>Packets queued or being handled.</summary>
    public int Packets { get { lock (_gate) return _packets; } }

    /// <summary>Bytes of the packets queued or being handled, plus the pending binary packet's.</summary>
    public long Bytes { get { lock (_gate) return _bytes + _pendingBytes; } }

    /// <summary>Whether a message of <paramref name="length"/> bytes may be read now.</summary>
    public bool HasRoom(long length)
    {
        lock (_gate) return HasRoomLocked(length);
    }

    /// <summary>
    /// Completes when a message of <paramref name="length"/> bytes may be read, or once the budget is closed: the
    /// Engine.IO session awaits this itself before each message (<see cref="IEngineListener.Inbound"/>).
    /// </summary>
    public ValueTask WaitForRoomAsync(int length)
    {
        lock (_gate)
        {
            if (HasRoomLocked(length)) return ValueTask.CompletedTask;
        }
        return WaitSlowAsync(length);
    }

    private async ValueTask WaitSlowAsync(long length)
    {
        while (true)
        {
            Task room;
            lock (_gate)
            {
                if (HasRoomLocked(length)) return;
                room = (_room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
            await room.ConfigureAwait(false);
        }
    }

    /// <summary>A packet of <paramref name="bytes"/> was queued for a grain.</summary>
    public void Add(long bytes)
    {
        lock (_gate)
        {
            _packets++;
            _bytes += bytes;
        }
    }

    /// <summary>A queued packet of <paramref name="bytes"/> was handled (or dropped).</summary>
    public void Release(long bytes)
    {
        TaskCompletionSource? room;
        lock (_gate)
        {
            _packets--;
            _bytes -= bytes;
            room = TakeWaiterLocked();
        }
        room?.TrySetResult();
    }

    /// <summary>The bytes of the binary packet being reassembled (0 when there is none).</summary>
    public void SetPending(long bytes)
    {
        TaskCompletionSource? room = null;
        lock (_gate)
        {
            if (bytes < _pendingBytes) room = TakeWaiterLocked();
            _pendingBytes = bytes;
        }
        room?.TrySetResult();
    }

    /// <summary>The connection closed: every wait completes, now and later (what is still read is dropped).</summary>
    public void Close()
    {
        TaskCompletionSource? room;
        lock (_gate)
        {
            _closed = true;
            room = TakeWaiterLocked();
        }
        room?.TrySetResult();
    }

    // Whoever waits for room is woken to look again (it waits anew if there is still none).
    private TaskCompletionSource? TakeWaiterLocked()
    {
        var room = _room;
        _room = null;
        return room;
    }

    private bool HasRoomLocked(long length) =>
        _closed || _packets == 0 || (_packets < _maxPackets && _bytes + _pendingBytes + length <= _maxBytes);
}
