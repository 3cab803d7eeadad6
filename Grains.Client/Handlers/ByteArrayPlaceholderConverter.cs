using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansSocket.Grains.Handlers;

/// <summary>
/// <c>byte[]</c> as Socket.IO binary: written as a placeholder plus an attachment, read from a placeholder
/// (or, for clients that send it so, a base64 string). Registered in <see cref="PayloadSerializer"/>'s options
/// so it applies at the top level and inside typed objects alike.
/// </summary>
internal sealed class ByteArrayPlaceholderConverter : JsonConverter<byte[]>
{
    public override byte[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ReadBinary(ref reader);

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) =>
        WriteBinary(writer, value);

    internal static byte[] ReadBinary(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
            return reader.GetBytesFromBase64();
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("Expected binary data (a placeholder object or a base64 string).");

        var isPlaceholder = false;
        var num = -1;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var property = reader.GetString();
            reader.Read();
            if (property == "_placeholder")
                isPlaceholder = reader.TokenType == JsonTokenType.True;
            else if (property == "num" && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n))
                num = n;
            else
                reader.Skip();
        }
        if (!isPlaceholder || num < 0)
            throw new JsonException("Expected binary data, got an object that is not a binary placeholder.");
        return BinaryAttachments.Resolve(num);
    }

    internal static void WriteBinary(Utf8JsonWriter writer, byte[] value)
    {
        var sink = BinaryAttachments.Outgoing;
        if (sink is null)
        {
            // Outside a payload (e.g. CONNECT_ERROR data) there is nowhere to attach: plain JSON base64.
            writer.WriteBase64StringValue(value);
            return;
        }
        writer.WriteStartObject();
        writer.WriteBoolean("_placeholder", true);
        writer.WriteNumber("num", sink.Count);
        writer.WriteEndObject();
        sink.Add(value);
    }
}
