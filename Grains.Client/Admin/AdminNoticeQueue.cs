using System.Threading.Channels;

namespace OrleansSocket.Grains.Admin;

/// <summary>A development-mode notice waiting to be sent to the admin namespace: the event and its encoded arguments.</summary>
internal sealed record AdminNotice(string Event, SocketPayload Payload)
{
    /// <summary>The bytes the notice holds: its arguments' JSON and their binary attachments.</summary>
    public long Size { get; } = Payload.ArgsJson.Length + (Payload.Attachments?.Sum(a => (long)a.Length) ?? 0);
}

/// <summary>
/// The notices of a silo waiting for the admin namespace, in the order they were added, bounded in notices
/// (<see cref="AdminUIOptions.MaxPendingEvents"/>) and in bytes (<see cref="AdminUIOptions.MaxPendingEventBytes"/>).
/// A notice that would pass either bound is dropped; a notice's room is given back by <see cref="Release"/> once it has
/// been sent, so the one being sent counts too.
/// </summary>
internal sealed class AdminNoticeQueue(int maxNotices, long maxBytes)
{
    private readonly Channel<AdminNotice> _channel = Channel.CreateUnbounded<AdminNotice>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private int _count;
    private long _bytes;
    private long _dropped;
    private bool _dropping;

    /// <summary>Notices added and not yet released.</summary>
    public int Count
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>Bytes of the notices added and not yet released.</summary>
    public long Bytes
    {
        get { lock (_gate) return _bytes; }
    }

    /// <summary>Notices dropped since the start because a bound was reached.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues <paramref name="notice"/> if both bounds leave room for it.</summary>
    /// <param name="notice">The notice.</param>
    /// <param name="startedDropping">True when this drop is the first since the queue last accepted a notice (to log once per episode).</param>
    /// <returns>False: dropped.</returns>
    public bool TryAdd(AdminNotice notice, out bool startedDropping)
    {
        lock (_gate)
        {
            if (_count >= maxNotices || notice.Size > maxBytes - _bytes)
            {
                Interlocked.Increment(ref _dropped);
                startedDropping = !_dropping;
                _dropping = true;
                return false;
            }
            _count++;
            _bytes += notice.Size;
            _dropping = false;
            startedDropping = false;
            // Under the lock: the reader sees the notices in the order their room was taken.
            _channel.Writer.TryWrite(notice);
            return true;
        }
    }

    /// <summary>The notices as they come; each stays counted until <see cref="Release"/>.</summary>
    public IAsyncEnumerable<AdminNotice> ReadAllAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Gives back the room of a notice read from <see cref="ReadAllAsync"/>, once it is sent (or given up).</summary>
    public void Release(AdminNotice notice)
    {
        lock (_gate)
        {
            _count--;
            _bytes -= notice.Size;
        }
    }
}
