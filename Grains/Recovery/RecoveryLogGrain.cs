using System.Text;
using Microsoft.Extensions.Options;

namespace OrleansSocket.Grains.Recovery;

/// <summary>
/// One namespace's recent packets with their offsets, kept for the recovery window. Offsets carry a
/// random prefix per activation, so an offset from before a restart is unknown (and recovery falls back
/// to a new session) rather than pointing at the wrong packet.
/// </summary>
internal sealed class RecoveryLogGrain(IOptions<ConnectionStateRecoveryOptions> options) : Grain, IRecoveryLogGrain
{
    private sealed record Entry(string Offset, DateTimeOffset At, string[] Rooms, string[] Except, OutboundPacket Packet);

    private readonly LinkedList<Entry> _entries = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _byOffset = [];
    private readonly string _epoch = RecoveryTokens.NewEpoch();
    private long _next;

    public Task<OutboundPacket> Append(string[] rooms, string[] except, OutboundPacket packet)
    {
        var now = DateTimeOffset.UtcNow;
        Trim(now);
        var offset = RecoveryTokens.Offset(_epoch, _next++);
        var stored = packet with { Payload = WithOffset(packet.Payload, offset), Offset = offset };
        _byOffset[offset] = _entries.AddLast(new Entry(offset, now, rooms, except, stored));
        return Task.FromResult(stored);
    }

    public Task<OutboundPacket[]?> Since(string offset, string[] rooms)
    {
        Trim(DateTimeOffset.UtcNow);
        if (!_byOffset.TryGetValue(offset, out var node)) return Task.FromResult<OutboundPacket[]?>(null);
        var missed = new List<OutboundPacket>();
        for (var n = node.Next; n is not null; n = n.Next)
        {
            var e = n.Value;
            var included = e.Rooms.Length == 0 || e.Rooms.Any(rooms.Contains);
            if (included && !e.Except.Any(rooms.Contains)) missed.Add(e.Packet);
        }
        return Task.FromResult<OutboundPacket[]?>([.. missed]);
    }

    private void Trim(DateTimeOffset now)
    {
        var oldest = now - options.Value.MaxDisconnectionDuration;
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
