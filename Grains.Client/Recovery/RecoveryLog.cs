using System.Text;

namespace OrleansSocket.Grains.Recovery;

/// <summary>
/// One namespace's recent packets with their offsets, kept for the recovery window: what
/// <c>RecoveryLogGrain</c> holds in the cluster and the in-process adapter holds on its node.
/// Offsets carry a random prefix per log, so an offset from before a restart is unknown (and recovery
/// falls back to a new session) rather than pointing at the wrong packet. Not thread-safe.
/// </summary>
internal sealed class RecoveryLog(TimeSpan window, TimeProvider time)
{
    private sealed record Entry(string Offset, DateTimeOffset At, string[] Rooms, string[] Except, OutboundPacket Packet);

    private readonly LinkedList<Entry> _entries = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _byOffset = [];
    private readonly string _epoch = RecoveryTokens.NewEpoch();
    private long _next;

    /// <summary>Stores the packet for <paramref name="rooms"/> (empty: the whole namespace) minus <paramref name="except"/>; returns it with its offset appended.</summary>
    public OutboundPacket Append(string[] rooms, string[] except, OutboundPacket packet)
    {
        var now = time.GetUtcNow();
        Trim(now);
        var offset = RecoveryTokens.Offset(_epoch, _next++);
        var stored = packet with { Payload = WithOffset(packet.Payload, offset), Offset = offset };
        _byOffset[offset] = _entries.AddLast(new Entry(offset, now, rooms, except, stored));
        return stored;
    }

    /// <summary>The packets after <paramref name="offset"/> that reach a socket in <paramref name="rooms"/>; null when the offset is unknown (too old).</summary>
    public OutboundPacket[]? Since(string offset, IReadOnlyCollection<string> rooms)
    {
        Trim(time.GetUtcNow());
        if (!_byOffset.TryGetValue(offset, out var node)) return null;
        var missed = new List<OutboundPacket>();
        for (var n = node.Next; n is not null; n = n.Next)
        {
            var e = n.Value;
            var included = e.Rooms.Length == 0 || e.Rooms.Any(rooms.Contains);
            if (included && !e.Except.Any(rooms.Contains)) missed.Add(e.Packet);
        }
        return [.. missed];
    }

    private void Trim(DateTimeOffset now)
    {
        var oldest = now - window;
        while (_entries.First is { } first && first.Value.At < oldest)
        {
            _byOffset.Remove(first.Value.Offset);
            _entries.RemoveFirst();
        }
    }

    /// <summary>Appends the offset as the last argument: <c>[a,b]</c> → <c>[a,b,"offset"]</c>.</summary>
    internal static SocketPayload WithOffset(SocketPayload payload, string offset)
    {
        var json = payload.ArgsJson;
        var end = Array.LastIndexOf(json, (byte)']');
        var empty = true;
        for (var i = 1; i < end; i++)
            if (json[i] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) { empty = false; break; }
        // Offsets are hex and '-': no JSON escaping needed.
        var suffix = Encoding.UTF8.GetBytes((empty ? "\"" : ",\"") + offset + "\"]");
        var result = new byte[end + suffix.Length];
        json.AsSpan(0, end).CopyTo(result);
        suffix.CopyTo(result, end);
        return payload with { ArgsJson = result };
    }
}
