using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansSocket.Grains.Handlers;

/// <summary><see cref="ReadOnlyMemory{T}"/> of bytes as Socket.IO binary, like <see cref="ByteArrayPlaceholderConverter"/>.</summary>
internal sealed class ReadOnlyMemoryPlaceholderConverter : JsonConverter<ReadOnlyMemory<byte>>
{
    public override ReadOnlyMemory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? ReadOnlyMemory<byte>.Empty : ByteArrayPlaceholderConverter.ReadBinary(ref reader);

    public override void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte> value, JsonSerializerOptions options)
    {
        // Attachments are whole arrays; reuse the caller's array when the memory covers all of it.
        var array = MemoryMarshal.TryGetArray(value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : value.ToArray();
        ByteArrayPlaceholderConverter.WriteBinary(writer, array);
    }
}
