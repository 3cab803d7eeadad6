using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansSocket.Grains.Handlers;

/// <summary>
/// <see cref="JsonElement"/> values as they came from a client, binary included: written back with each
/// <c>_placeholder</c> of the event they were read from replaced by that attachment (renumbered for the outgoing
/// packet), at any depth. Other elements are written as they are.
/// </summary>
internal sealed class JsonElementPlaceholderConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var element = JsonElement.ParseValue(ref reader);
        ReceivedBinary.Register(element);
        return element;
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options)
    {
        if (BinaryAttachments.Outgoing is null || JsonMarshal.GetRawUtf8Value(value).IndexOf("\"_placeholder\""u8) < 0
            || ReceivedBinary.For(value) is not { } attachments)
        {
            value.WriteTo(writer);
            return;
        }
        WriteResolving(writer, value, attachments);
    }

    private static void WriteResolving(Utf8JsonWriter writer, JsonElement element, byte[][] attachments)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when BinaryAttachments.IsPlaceholder(element, out var num) && num >= 0 && num < attachments.Length:
                ByteArrayPlaceholderConverter.WriteBinary(writer, attachments[num]);
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    WriteResolving(writer, property.Value, attachments);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                    WriteResolving(writer, item, attachments);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
