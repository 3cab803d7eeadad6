using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Tests.Protocol;

/// <summary>BINARY_EVENT / BINARY_ACK reassembly: ordering, nesting, copying, state.</summary>
public class BinaryPacketTests
{
    [Fact]
    public void Nested_placeholders_in_any_order_keep_attachment_order()
    {
        const string args = "[{\"files\":[{\"_placeholder\":true,\"num\":2},{\"meta\":{\"blob\":{\"num\":0,\"_placeholder\":true}}}]},"
            + "[[{\"_placeholder\":true,\"num\":1}]]]";
        byte[] a = [0xA];
        byte[] b = [0xB, 0xB];
        byte[] c = [];

        var encoded = SocketIOEncoder.EncodeEvent("/up", "upload", Wire.Bytes(args), [a, b, c], ackId: 3);
        Assert.StartsWith("53-/up,3[\"upload\",", Wire.Text(encoded.Text));

        var decoder = Wire.Decoder();
        Assert.Null(decoder.DecodeText(encoded.Text.Span));
        Assert.Null(decoder.DecodeBinary(encoded.Binary[0]));
        Assert.Null(decoder.DecodeBinary(encoded.Binary[1]));
        var packet = decoder.DecodeBinary(encoded.Binary[2]);

        Assert.NotNull(packet);
        Assert.Equal(SocketIOPacketType.BinaryEvent, packet.Type);
        Assert.Equal("upload", packet.EventName);
        Assert.Equal(3, packet.Id);
        Assert.Equal(args, Wire.Text(packet.Args));
        Assert.Equal(3, packet.Attachments.Count);
        Assert.Equal(a, packet.Attachments[0]);
        Assert.Equal(b, packet.Attachments[1]);
        Assert.Empty(packet.Attachments[2]); // an empty buffer is still an attachment
    }

    [Fact]
    public void Escaped_placeholder_key_is_recognised()
    {
        // JSON.parse sees "_placeholder" here too, so the index must be checked all the same.
        Wire.Rejects("51-[\"a\",{\"\\u005fplaceholder\":true,\"num\":5}]");

        var packet = Wire.DecodeBinary("51-[\"a\",{\"\\u005fplaceholder\":true,\"num\":0}]", 5, [1]);
        Assert.Single(packet.Attachments);
    }

    [Fact]
    public void The_same_attachment_may_be_referenced_twice_and_one_may_be_unreferenced()
    {
        // socket.io-parser checks only that each num indexes a received buffer.
        var packet = Wire.DecodeBinary(
            "62-9[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":0}]", 5, [1], [2]);

        Assert.Equal(SocketIOPacketType.BinaryAck, packet.Type);
        Assert.Equal(9, packet.Id);
        Assert.Equal(2, packet.Attachments.Count);
    }

    [Fact]
    public void Attachments_are_copied_from_the_transport_buffer()
    {
        var decoder = Wire.Decoder();
        var frame = new byte[] { 1, 2, 3 };
        decoder.DecodeText(Wire.Bytes("51-[\"a\",{\"_placeholder\":true,\"num\":0}]"));

        var packet = decoder.DecodeBinary(frame);
        frame[0] = 99;

        Assert.NotNull(packet);
        Assert.Equal(new byte[] { 1, 2, 3 }, packet.Attachments[0]);
    }

    [Fact]
    public void Decoder_is_reusable_after_a_binary_packet()
    {
        var decoder = Wire.Decoder();

        for (var round = 0; round < 3; round++)
        {
            Assert.Null(decoder.DecodeText(Wire.Bytes($"51-{round}[\"r\",{{\"_placeholder\":true,\"num\":0}}]")));
            Assert.True(decoder.IsAwaitingAttachments);
            var packet = decoder.DecodeBinary([(byte)round]);
            Assert.Equal(round, packet?.Id);
            Assert.Equal(new[] { (byte)round }, packet?.Attachments[0]);

            var text = decoder.DecodeText(Wire.Bytes("2[\"plain\"]"));
            Assert.Equal("plain", text?.EventName);
            Assert.Empty(text!.Attachments);
        }
    }

    [Fact]
    public void Reset_drops_a_half_received_packet()
    {
        var decoder = Wire.Decoder();
        decoder.DecodeText(Wire.Bytes("52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"));
        decoder.DecodeBinary([1]);

        decoder.Reset();

        Assert.False(decoder.IsAwaitingAttachments);
        Assert.Throws<SocketIODecodeException>(() => decoder.DecodeBinary([2]));
        Assert.Equal("b", decoder.DecodeText(Wire.Bytes("2[\"b\"]"))?.EventName);
    }

    [Fact]
    public void Rejected_binary_header_leaves_nothing_pending()
    {
        var decoder = Wire.Decoder();

        Assert.Throws<SocketIODecodeException>(
            () => decoder.DecodeText(Wire.Bytes("51-[\"a\",{\"_placeholder\":true,\"num\":1}]")));

        Assert.False(decoder.IsAwaitingAttachments);
        Assert.Throws<SocketIODecodeException>(() => decoder.DecodeBinary([1]));
    }

    [Theory]
    [InlineData(0, false)] // exactly MaxPendingBinaryBytes: taken
    [InlineData(1, true)]  // one byte over: refused, nothing kept
    public void MaxPendingBinaryBytes_bounds_the_text_frame_and_attachments_together(int extra, bool refused)
    {
        var header = Wire.Bytes("52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        var decoder = new SocketIODecoder(5, new SocketIOParserOptions { MaxPendingBinaryBytes = header.Length + 30 });
        Assert.Null(decoder.DecodeText(header));
        Assert.Null(decoder.DecodeBinary(new byte[20]));
        Assert.Equal(header.Length + 20, decoder.PendingBytes);

        if (refused)
        {
            var error = Assert.Throws<SocketIODecodeException>(() => decoder.DecodeBinary(new byte[10 + extra]));
            Assert.Contains("MaxPendingBinaryBytes", error.Message);
            Assert.False(decoder.IsAwaitingAttachments);
            Assert.Equal(0, decoder.PendingBytes);
        }
        else
        {
            Assert.Equal(2, decoder.DecodeBinary(new byte[10 + extra])?.Attachments.Count);
            Assert.Equal(0, decoder.PendingBytes);
        }
    }

    [Fact]
    public void A_binary_text_frame_alone_over_MaxPendingBinaryBytes_is_refused()
    {
        var header = Wire.Bytes("51-[\"a\",{\"_placeholder\":true,\"num\":0}]");
        var decoder = new SocketIODecoder(5, new SocketIOParserOptions { MaxPendingBinaryBytes = header.Length - 1 });

        Assert.Throws<SocketIODecodeException>(() => decoder.DecodeText(header));
        Assert.False(decoder.IsAwaitingAttachments);
        // A packet without attachments is not held between messages: the bound does not apply to it.
        Assert.Equal("b", decoder.DecodeText(Wire.Bytes("2[\"b\",\"" + new string('x', header.Length) + "\"]"))?.EventName);
    }

    [Fact]
    public void Encoder_sends_the_callers_attachment_arrays_without_copying()
    {
        byte[] blob = [1, 2, 3];
        byte[][] attachments = [blob];

        var encoded = SocketIOEncoder.EncodeAck("/", 1, "[{\"_placeholder\":true,\"num\":0}]"u8, attachments);

        Assert.Same(attachments, encoded.Binary);
        Assert.Same(blob, encoded.Binary[0]);
    }

    [Fact]
    public void Empty_attachment_list_makes_a_plain_event()
    {
        var encoded = SocketIOEncoder.EncodeEvent("/", "a", "[1]"u8, []);

        Assert.Equal("2[\"a\",1]", Wire.Text(encoded.Text));
        Assert.Empty(encoded.Binary);
    }
}
