using System.Buffers;
using System.Text;
using System.Text.Json;

namespace OrleansSocket.Grains.Handlers;

/// <summary>
/// Converts between CLR arguments and <see cref="SocketPayload"/>: handler acks here, <c>ISocket.Emit</c> in the grain.
/// </summary>
internal static class PayloadSerializer
{
    /// <summary>
    /// Web defaults (camelCase, case-insensitive reads, numbers from strings) plus the binary converters,
    /// shared by serializing and binding so typed objects round-trip the same way.
    /// </summary>
    internal static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>
    /// Serializes the arguments into a JSON array. <c>byte[]</c> and <c>ReadOnlyMemory&lt;byte&gt;</c> values, at the
    /// top level or nested in objects, become <c>{"_placeholder":true,"num":n}</c> with the bytes as attachment n
    /// (numbered in document order); <see cref="JsonElement"/> values are written as they are, except that one a handler
    /// received from a client gets its binary back (see <see cref="ReceivedBinary"/>).
    /// </summary>
    public static SocketPayload Serialize(params ReadOnlySpan<object?> args)
    {
        if (args is [string text] && !text.AsSpan().ContainsAnyExcept(PlainJsonChars))
            return new SocketPayload(OneString(text));

        // The thread's buffer and writer, taken (a serialization nested in a converter makes its own).
        var buffer = _buffer ?? new ArrayBufferWriter<byte>(256);
        var writer = _writer ?? new Utf8JsonWriter(buffer, WriterOptions);
        _buffer = null;
        _writer = null;
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        List<byte[]>? attachments = null;
        try
        {
            writer.WriteStartArray();
            foreach (var arg in args)
            {
                if (arg is null)
                {
                    writer.WriteNullValue();
                }
                else if (CannotHoldBinary(arg))
                {
                    JsonSerializer.Serialize(writer, arg, arg.GetType(), Options); // runtime type: args are object?
                }
                else
                {
                    // Where byte[] values (and received JsonElements' binary) go, numbered across all the arguments.
                    attachments ??= [];
                    using (BinaryAttachments.Writing(attachments))
                        JsonSerializer.Serialize(writer, arg, arg.GetType(), Options);
                }
            }
            writer.WriteEndArray();
            writer.Flush();
            return new SocketPayload(buffer.WrittenSpan.ToArray(), attachments is { Count: > 0 } ? [.. attachments] : null);
        }
        finally
        {
            if (buffer.Capacity <= MaxRetainedCapacity)
            {
                _buffer = buffer;
                _writer = writer;
            }
        }
    }

    /// <summary><c>["text"]</c> for a string that JSON writes as it is: one copy, straight into the payload's array.</summary>
    private static byte[] OneString(string text)
    {
        var json = new byte[text.Length + 4];
        json[0] = (byte)'[';
        json[1] = (byte)'"';
        Encoding.ASCII.GetBytes(text, json.AsSpan(2));
        json[^2] = (byte)'"';
        json[^1] = (byte)']';
        return json;
    }

    /// <summary>Values whose JSON has no place for binary: they need no attachment scope.</summary>
    private static bool CannotHoldBinary(object value) =>
        value is string or bool or int or long or double or float or decimal or short or ushort or uint or ulong or byte
            or sbyte or char or Guid or DateTime or DateTimeOffset or TimeSpan or Enum;

    /// <summary>The payload's arguments as JSON; binary values stay <c>_placeholder</c> objects.</summary>
    /// <exception cref="JsonException">the payload is not a JSON array.</exception>
    public static JsonElement[] ToJsonArgs(SocketPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (payload.ArgsJson.Length == 0)
            return [];
        var root = ParseElement(payload.ArgsJson);
        if (root.ValueKind != JsonValueKind.Array)
            throw new JsonException($"Socket.IO arguments must be a JSON array, got {root.ValueKind}.");
        var args = new JsonElement[root.GetArrayLength()];
        var i = 0;
        foreach (var element in root.EnumerateArray())
            args[i++] = element;
        return args;
    }

    /// <summary>Serializes one value to UTF-8 JSON outside a payload (binary as base64), e.g. CONNECT_ERROR data.</summary>
    internal static byte[] SerializeValue(object value) => JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), Options);

    /// <summary>Parses into an element that owns its memory: handlers may keep arguments after the call.</summary>
    internal static JsonElement ParseElement(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>Larger buffers are dropped after use rather than kept by the thread.</summary>
    private const int MaxRetainedCapacity = 64 * 1024;

    /// <summary>Printable ASCII but the quote and the backslash: what a JSON string holds without escaping.</summary>
    private static readonly SearchValues<char> PlainJsonChars =
        SearchValues.Create([.. Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).Where(c => c is not ('"' or '\\'))]);

    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;
    [ThreadStatic] private static Utf8JsonWriter? _writer;

    // A caller-supplied writer escapes by its own options, not the serializer's.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            // Socket.IO payloads are JSON text for JavaScript clients, never embedded in HTML: write
            // characters as they are (as Node's JSON.stringify does) rather than \u0027 and friends.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new ByteArrayPlaceholderConverter());
        options.Converters.Add(new ReadOnlyMemoryPlaceholderConverter());
        options.Converters.Add(new JsonElementPlaceholderConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
