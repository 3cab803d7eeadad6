using System.Buffers;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// Engine.IO v4 framing: a polling payload is packets joined by the record separator 0x1E, binary packets as
/// <c>b</c> + base64; a WebSocket text frame is one packet.
/// </summary>
internal sealed class PayloadCodecV4 : EngineCodec
{
    public const byte Separator = 0x1E;

    public override int Protocol => 4;
    public override bool ServerPings => true;
    public override bool AdvertisesMaxPayload => true;
    public override bool DelaysFirstWebSocketFrame => false;
    public override bool AcceptsBinaryFraming => false;

    /// <summary>One WebSocket message: a text frame is one text-encoded packet, a binary frame a binary message.</summary>
    public override DecodeStatus DecodeMessage(Memory<byte> message, bool isBinary, out InboundPacket packet)
    {
        if (isBinary)
        {
            packet = new InboundPacket(EnginePacketType.Message, message, true);
            return DecodeStatus.Packet;
        }
        packet = default;
        if (message.IsEmpty) return DecodeStatus.Error;
        var first = message.Span[0];
        if (first == (byte)'b')
        {
            // Base64 in a text frame: the receive buffer is ours, so it is decoded in place.
            if (!PayloadWriting.TryDecodeBase64InPlace(message[1..], out var binary)) return DecodeStatus.Error;
            packet = new InboundPacket(EnginePacketType.Message, binary, true);
            return DecodeStatus.Packet;
        }
        if (!PayloadWriting.IsPacketTypeDigit(first)) return DecodeStatus.Error;
        packet = new InboundPacket((EnginePacketType)(first - '0'), message[1..], false);
        return DecodeStatus.Packet;
    }

    public override bool UseBinaryFraming(List<QueuedPacket> batch, bool supportsBinary) => false;

    public override long GetPayloadLength(List<QueuedPacket> batch, bool binaryFraming) => GetPayloadLength(batch);

    public override void WritePayloadPacket(IBufferWriter<byte> writer, in QueuedPacket packet, int index, bool binaryFraming) =>
        WritePayloadPacket(writer, packet, first: index == 0);

    public override BinaryMessageForm BinaryForm(bool supportsBinary) => BinaryMessageForm.Raw;

    /// <summary>Bytes one packet takes inside a polling payload.</summary>
    public static long GetPayloadPacketLength(in QueuedPacket packet) =>
        1L + (packet.IsBinary ? PayloadWriting.Base64Length(packet.Data.Length) : packet.Data.Length);

    public static long GetPayloadLength(List<QueuedPacket> packets)
    {
        long total = packets.Count - 1; // separators
        foreach (var packet in packets) total += GetPayloadPacketLength(packet);
        return total;
    }

    public static void WritePayloadPacket(IBufferWriter<byte> writer, in QueuedPacket packet, bool first)
    {
        if (!first) PayloadWriting.WriteByte(writer, Separator);
        if (packet.IsBinary)
        {
            PayloadWriting.WriteByte(writer, (byte)'b');
            PayloadWriting.WriteBase64(writer, packet.Data.Span);
        }
        else
        {
            PayloadWriting.WriteTypeDigit(writer, packet.Type);
            writer.Write(packet.Data.Span);
        }
    }

    /// <summary>
    /// Decodes the next packet of a polling payload (a POST body). <paramref name="offset"/> starts at 0 and
    /// moves past the packet and its separator. Like Node's <c>split("\x1e")</c>, an empty body or an empty
    /// segment is an error. The payload buffer is ours, so base64 is decoded in place.
    /// </summary>
    public override DecodeStatus ReadPayloadPacket(Memory<byte> payload, ref int offset, bool binaryFraming, out InboundPacket packet)
    {
        if (offset > payload.Length)
        {
            packet = default;
            return DecodeStatus.End;
        }
        var separator = payload.Span[offset..].IndexOf(Separator);
        var length = separator < 0 ? payload.Length - offset : separator;
        var encoded = payload.Slice(offset, length);
        offset += length + 1;
        return DecodeMessage(encoded, isBinary: false, out packet); // a segment is encoded as a text frame is
    }
}
