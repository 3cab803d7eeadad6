using System.Buffers;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// Engine.IO v4 framing: a polling payload is packets joined by the record separator 0x1E, binary packets as
/// <c>b</c> + base64; a WebSocket text frame is one packet.
/// </summary>
internal static class PayloadCodecV4
{
    public const byte Separator = 0x1E;

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
    public static DecodeStatus ReadPayloadPacket(Memory<byte> payload, ref int offset, out InboundPacket packet)
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
        return DecodePacket(encoded, out packet);
    }

    /// <summary>One text-encoded packet (a payload segment or a WebSocket text frame).</summary>
    public static DecodeStatus DecodePacket(Memory<byte> encoded, out InboundPacket packet)
    {
        packet = default;
        if (encoded.IsEmpty) return DecodeStatus.Error;
        var first = encoded.Span[0];
        if (first == (byte)'b')
        {
            if (!PayloadWriting.TryDecodeBase64InPlace(encoded[1..], out var binary)) return DecodeStatus.Error;
            packet = new InboundPacket(EnginePacketType.Message, binary, true);
            return DecodeStatus.Packet;
        }
        if (!PayloadWriting.IsPacketTypeDigit(first)) return DecodeStatus.Error;
        packet = new InboundPacket((EnginePacketType)(first - '0'), encoded[1..], false);
        return DecodeStatus.Packet;
    }
}
