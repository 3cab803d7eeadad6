using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansSocket;

/// <summary>The arguments a client acknowledged a server emit with.</summary>
public sealed class ClientAck
{
    private static readonly JsonSerializerOptions WebOptions = new(JsonSerializerDefaults.Web);

    /// <summary>An ack with the arguments in <paramref name="payload"/>.</summary>
    public ClientAck(SocketPayload payload) => Payload = payload;

    /// <summary>The ack arguments as the client encoded them: JSON array and binary attachments.</summary>
    public SocketPayload Payload { get; }

    /// <summary>The ack arguments as JSON (binary values are <c>_placeholder</c> objects; see <see cref="Payload"/>).</summary>
    public JsonElement[] Args
    {
        get
        {
            using var doc = JsonDocument.Parse(Payload.ArgsJson);
            return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
        }
    }

    /// <summary>Argument <paramref name="index"/> deserialized as <typeparamref name="T"/> (web defaults);
    /// <c>byte[]</c> values, also inside objects, come from the binary attachments their placeholders point at.
    /// An argument the client did not send is <c>default</c> (as a handler's optional parameter; Node's <c>undefined</c>).</summary>
    public T? Arg<T>(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var args = Args;
        return index >= args.Length
            ? default
            : args[index].Deserialize<T>(Payload.Attachments is { Length: > 0 } attachments ? WithAttachments(attachments) : WebOptions);
    }

    private static JsonSerializerOptions WithAttachments(byte[][] attachments) =>
        new(JsonSerializerDefaults.Web) { Converters = { new PlaceholderConverter(attachments) } };

    /// <summary>Reads <c>{"_placeholder":true,"num":n}</c> as attachment n (a base64 string as its bytes).</summary>
    private sealed class PlaceholderConverter(byte[][] attachments) : JsonConverter<byte[]>
    {
        public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String)
                return reader.GetBytesFromBase64();
            using var doc = JsonDocument.ParseValue(ref reader);
            var e = doc.RootElement;
            if (e.ValueKind == JsonValueKind.Object
                && e.TryGetProperty("_placeholder", out var flag) && flag.ValueKind == JsonValueKind.True
                && e.TryGetProperty("num", out var num) && num.ValueKind == JsonValueKind.Number && num.TryGetInt32(out var n) && n >= 0 && n < attachments.Length)
                return attachments[n];
            throw new JsonException("Expected binary data (a placeholder object with a matching attachment, or a base64 string).");
        }

        public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) => writer.WriteBase64StringValue(value);
    }
}
