using System.Text;
using OrleansSocket.Gateway.EngineIO;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>Each revision's payload codec is the session's codec, and decodes a WebSocket message itself.</summary>
public sealed class EngineCodecTests
{
    private static Memory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void The_codec_of_a_revision_is_its_payload_codec()
    {
        Assert.IsType<PayloadCodecV4>(EngineCodec.For(4));
        Assert.IsType<PayloadCodecV3>(EngineCodec.For(3));
        Assert.Equal(4, EngineCodec.V4.Protocol);
        Assert.Equal(3, EngineCodec.V3.Protocol);
    }

    [Fact]
    public void V4_decodes_a_text_message_a_binary_message_and_base64_in_a_text_frame()
    {
        Assert.Equal(DecodeStatus.Packet, EngineCodec.V4.DecodeMessage(Bytes("42[\"e\"]"), false, out var text));
        Assert.Equal(EnginePacketType.Message, text.Type);
        Assert.Equal("2[\"e\"]", Encoding.UTF8.GetString(text.Data.Span));
        Assert.False(text.IsBinary);

        Assert.Equal(DecodeStatus.Packet, EngineCodec.V4.DecodeMessage(new byte[] { 1, 2 }, true, out var binary));
        Assert.True(binary.IsBinary);
        Assert.Equal([1, 2], binary.Data.ToArray());

        Assert.Equal(DecodeStatus.Packet, EngineCodec.V4.DecodeMessage(Bytes("bAQI="), false, out var base64));
        Assert.True(base64.IsBinary);
        Assert.Equal([1, 2], base64.Data.ToArray());

        Assert.Equal(DecodeStatus.Error, EngineCodec.V4.DecodeMessage(Bytes("x"), false, out _));
        Assert.Equal(DecodeStatus.Error, EngineCodec.V4.DecodeMessage(Memory<byte>.Empty, false, out _));
    }

    [Fact]
    public void V4_reads_a_polling_payload_segment_by_segment()
    {
        var body = Bytes("4a\u001e2\u001ebAQI=");
        var offset = 0;
        Assert.Equal(DecodeStatus.Packet, EngineCodec.V4.ReadPayloadPacket(body, ref offset, false, out var first));
        Assert.Equal("a", Encoding.UTF8.GetString(first.Data.Span));
        Assert.Equal(DecodeStatus.Packet, EngineCodec.V4.ReadPayloadPacket(body, ref offset, false, out var ping));
        Assert.Equal(EnginePacketType.Ping, ping.Type);
        Assert.Equal(DecodeStatus.Packet, EngineCodec.V4.ReadPayloadPacket(body, ref offset, false, out var binary));
        Assert.True(binary.IsBinary);
        Assert.Equal(DecodeStatus.End, EngineCodec.V4.ReadPayloadPacket(body, ref offset, false, out _));
    }

    [Fact]
    public void V3_decodes_a_type_prefixed_binary_message()
    {
        Assert.Equal(DecodeStatus.Packet, EngineCodec.V3.DecodeMessage(new byte[] { 4, 9 }, true, out var packet));
        Assert.Equal(EnginePacketType.Message, packet.Type);
        Assert.Equal([9], packet.Data.ToArray());
    }
}
