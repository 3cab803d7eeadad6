using System.Text.Json;

namespace OrleansSocket.Grains.Handlers;

/// <summary>
/// The attachments of the payload being read or written, for the JSON converters that turn
/// <c>{"_placeholder":true,"num":n}</c> into <c>byte[]</c> and back at any depth.
/// </summary>
/// <remarks>
/// Thread-static because System.Text.Json gives converters no per-call state, and serializing or binding one
/// payload is synchronous: a scope opens and closes on one thread with no await in between.
/// </remarks>
internal static class BinaryAttachments
{
    [ThreadStatic] private static byte[][]? _incoming;
    [ThreadStatic] private static List<byte[]>? _outgoing;

    /// <summary>Where <c>byte[]</c> values being serialized go; null outside <see cref="Writing"/> (then they are base64).</summary>
    public static List<byte[]>? Outgoing => _outgoing;

    public static Scope Reading(byte[][]? attachments)
    {
        var scope = new Scope(_incoming, _outgoing);
        _incoming = attachments;
        return scope;
    }

    public static Scope Writing(List<byte[]> sink)
    {
        var scope = new Scope(_incoming, _outgoing);
        _outgoing = sink;
        return scope;
    }

    /// <summary>The attachment a placeholder points at.</summary>
    public static byte[] Resolve(int num)
    {
        var current = _incoming;
        if (current is null || num < 0 || num >= current.Length)
            throw new JsonException($"Binary placeholder {num} has no attachment (the packet has {current?.Length ?? 0}).");
        return current[num];
    }

    /// <summary>True when <paramref name="element"/> is a <c>{"_placeholder":true,"num":n}</c> object.</summary>
    public static bool IsPlaceholder(JsonElement element, out int num)
    {
        num = -1;
        return element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty("_placeholder", out var flag) && flag.ValueKind == JsonValueKind.True
            && element.TryGetProperty("num", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out num);
    }

    /// <summary>Restores the previous state, so scopes nest (a converter may serialize inside a serialization).</summary>
    internal readonly struct Scope(byte[][]? previousIncoming, List<byte[]>? previousOutgoing) : IDisposable
    {
        public void Dispose()
        {
            _incoming = previousIncoming;
            _outgoing = previousOutgoing;
        }
    }
}
