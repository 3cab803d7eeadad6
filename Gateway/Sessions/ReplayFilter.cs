namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// The recovery replay filter of one recovered socket. A packet logged before the recovery read can also arrive
/// live, after CONNECT (the broadcast was still on its way): the offsets sent as missed are remembered, and the
/// live copy of each is dropped once. Kept for <see cref="Window"/> only, as a live copy comes within the stream
/// latency.
/// </summary>
internal sealed class ReplayFilter(TimeProvider time)
{
    /// <summary>How long the replayed offsets are kept.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private HashSet<string>? _replayed;
    private long _since;

    /// <summary>The offsets a recovery sent as missed (none: the filter lets everything through).</summary>
    public void Replayed(IEnumerable<string> offsets)
    {
        HashSet<string> replayed = [.. offsets];
        lock (_gate)
        {
            _replayed = replayed.Count == 0 ? null : replayed;
            _since = time.GetTimestamp();
        }
    }

    /// <summary>True (once) for the live copy of a packet the recovery already sent.</summary>
    public bool IsReplayed(string? offset)
    {
        if (offset is null) return false;
        lock (_gate)
        {
            if (_replayed is null) return false;
            if (time.GetElapsedTime(_since) > Window)
            {
                _replayed = null;
                return false;
            }
            if (!_replayed.Remove(offset)) return false;
            if (_replayed.Count == 0) _replayed = null; // every replayed packet's live copy has been dropped
            return true;
        }
    }
}
