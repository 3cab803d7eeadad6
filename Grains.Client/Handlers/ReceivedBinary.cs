using System.Runtime.InteropServices;
using System.Text.Json;

namespace OrleansSocket.Grains.Handlers;

/// <summary>
/// The binary attachments of the client event whose handler is running, so that a <see cref="JsonElement"/> argument
/// (whose binary values are <c>_placeholder</c> objects pointing into them) is emitted again with its binary.
/// </summary>
/// <remarks>
/// Set by the dispatcher for the handler (an <see cref="AsyncLocal{T}"/>: it follows the handler across its awaits).
/// An element resolves only against the event it was read from — the JSON documents of that event's arguments are
/// kept and compared by memory — so an element kept from another event is written as it is, never with the wrong
/// bytes.
/// </remarks>
internal sealed class ReceivedBinary
{
    private static readonly AsyncLocal<ReceivedBinary?> Current = new();

    private readonly byte[][] _attachments;
    private readonly List<JsonElement> _documents;
    private readonly Lock _gate = new();

    private ReceivedBinary(byte[][] attachments, JsonElement[] args)
    {
        _attachments = attachments;
        _documents = [.. args];
    }

    /// <summary>The code that runs next in the calling async method (the handler) reads these arguments.</summary>
    public static void Enter(byte[][]? attachments, JsonElement[] args) =>
        Current.Value = attachments is { Length: > 0 } ? new ReceivedBinary(attachments, args) : null;

    /// <summary>An element read while binding the current event's arguments (a <see cref="JsonElement"/> inside a typed object).</summary>
    public static void Register(JsonElement element)
    {
        if (Current.Value is not { } current) return;
        lock (current._gate) current._documents.Add(element);
    }

    /// <summary>The attachments <paramref name="element"/>'s placeholders point at, when it was read from the current event.</summary>
    public static byte[][]? For(JsonElement element)
    {
        if (Current.Value is not { } current) return null;
        var raw = JsonMarshal.GetRawUtf8Value(element);
        lock (current._gate)
        {
            foreach (var document in current._documents)
                if (JsonMarshal.GetRawUtf8Value(document).Overlaps(raw))
                    return current._attachments;
        }
        return null;
    }
}
