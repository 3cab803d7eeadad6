using System.Text;
using System.Text.Json;
using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Tests.Protocol;

/// <summary>Small helpers to write tests with the wire strings copied from the specs.</summary>
internal static class Wire
{
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(ReadOnlyMemory<byte> utf8) => Encoding.UTF8.GetString(utf8.Span);

    public static SocketIODecoder Decoder(int protocolVersion = 5, SocketIOParserOptions? options = null) =>
        new(protocolVersion, options ?? new SocketIOParserOptions());

    /// <summary>Decodes a packet that must be complete after its text frame.</summary>
    public static SocketIOPacket Decode(string text, int protocolVersion = 5)
    {
        var packet = Decoder(protocolVersion).DecodeText(Bytes(text));
        Assert.NotNull(packet);
        return packet;
    }

    /// <summary>Decodes a text frame followed by its attachments; the packet must complete on the last one.</summary>
    public static SocketIOPacket DecodeBinary(string text, int protocolVersion, params byte[][] attachments)
    {
        var decoder = Decoder(protocolVersion);
        Assert.Null(decoder.DecodeText(Bytes(text)));
        for (var i = 0; i < attachments.Length - 1; i++)
        {
            Assert.Null(decoder.DecodeBinary(attachments[i]));
            Assert.True(decoder.IsAwaitingAttachments);
        }

        var packet = decoder.DecodeBinary(attachments[^1]);
        Assert.NotNull(packet);
        Assert.False(decoder.IsAwaitingAttachments);
        return packet;
    }

    /// <summary>Asserts that two JSON texts hold the same value (whitespace and escaping aside).</summary>
    public static void JsonEqual(string expected, ReadOnlyMemory<byte> actual)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);
        Assert.True(
            JsonElement.DeepEquals(e.RootElement, a.RootElement),
            $"expected {expected} but got {Text(actual)}");
    }

    public static void Rejects(string text, int protocolVersion = 5, SocketIOParserOptions? options = null) =>
        Assert.Throws<SocketIODecodeException>(() => Decoder(protocolVersion, options).DecodeText(Bytes(text)));
}
