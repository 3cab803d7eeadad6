using System.Buffers;
using System.Text;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// Engine.IO v3 framing, as Node's bundled engine.io-parser 2.2 does it:
/// <list type="bullet">
/// <item>text payload: <c>&lt;length&gt;:&lt;packet&gt;</c> repeated, the length counted in UTF-16 code units
/// (JavaScript string length), binary packets as <c>b&lt;type&gt;&lt;base64&gt;</c>;</item>
/// <item>binary payload (XHR2 clients, only when the batch holds binary): per packet a 0 (text) or 1 (binary)
/// byte, the byte length as one byte per decimal digit, 255, then the packet (text as UTF-8; binary as the type
/// byte and the raw data);</item>
/// <item>WebSocket: a text frame is one packet; a binary frame is the type byte (4) then the data.</item>
/// </list>
/// </summary>
internal sealed class PayloadCodecV3 : EngineCodec
{
    public override int Protocol => 3;
    public override bool ServerPings => false;
    public override bool AdvertisesMaxPayload => false;
    public override bool DelaysFirstWebSocketFrame => true;
    public override bool AcceptsBinaryFraming => true;

    public override DecodeStatus ReadPayloadPacket(Memory<byte> body, ref int offset, bool binaryFraming, out InboundPacket packet) =>
        binaryFraming ? ReadBinaryPayloadPacket(body, ref offset, out packet) : ReadTextPayloadPacket(body, ref offset, out packet);

    public override DecodeStatus DecodeMessage(Memory<byte> message, bool isBinary, out InboundPacket packet) =>
        isBinary ? DecodeBinaryPacket(message, out packet) : DecodeTextPacket(message, out packet);

    public override long GetPayloadLength(List<QueuedPacket> batch, bool binaryFraming) =>
        binaryFraming ? GetBinaryPayloadLength(batch) : GetTextPayloadLength(batch);

    public override void WritePayloadPacket(IBufferWriter<byte> writer, in QueuedPacket packet, int index, bool binaryFraming)
    {
        if (binaryFraming) WriteBinaryPayloadPacket(writer, packet);
        else WriteTextPayloadPacket(writer, packet);
    }

    public override BinaryMessageForm BinaryForm(bool supportsBinary) =>
        supportsBinary ? BinaryMessageForm.TypePrefixed : BinaryMessageForm.Base64Text;

    /// <summary>Whether a batch goes out in the binary framing (Node: <c>supportsBinary &amp;&amp; hasBinary(packets)</c>).</summary>
    public override bool UseBinaryFraming(List<QueuedPacket> packets, bool supportsBinary)
    {
        if (!supportsBinary) return false;
        foreach (var packet in packets)
            if (packet.IsBinary) return true;
        return false;
    }

    // ---- text payload ----

    /// <summary>Length of the packet as a JavaScript string: what the <c>length:</c> prefix counts.</summary>
    private static long Utf16Length(in QueuedPacket packet) => packet.IsBinary
        ? 2L + PayloadWriting.Base64Length(packet.Data.Length)
        : 1L + Encoding.UTF8.GetCharCount(packet.Data.Span); // invalid UTF-8 counts as U+FFFD, as Node would see it

    private static long TextPacketByteLength(in QueuedPacket packet) => packet.IsBinary
        ? 2L + PayloadWriting.Base64Length(packet.Data.Length)
        : 1L + packet.Data.Length;

    public static long GetTextPayloadLength(List<QueuedPacket> packets)
    {
        long total = 0;
        foreach (var packet in packets)
            total += PayloadWriting.DecimalLength(Utf16Length(packet)) + 1 + TextPacketByteLength(packet);
        return total;
    }

    public static void WriteTextPayloadPacket(IBufferWriter<byte> writer, in QueuedPacket packet)
    {
        PayloadWriting.WriteDecimalAscii(writer, Utf16Length(packet));
        PayloadWriting.WriteByte(writer, (byte)':');
        WriteTextPacket(writer, packet);
    }

    /// <summary>The packet as text: <c>&lt;type&gt;&lt;data&gt;</c>, or <c>b&lt;type&gt;&lt;base64&gt;</c> for binary.</summary>
    public static void WriteTextPacket(IBufferWriter<byte> writer, in QueuedPacket packet)
    {
        if (packet.IsBinary)
        {
            PayloadWriting.WriteByte(writer, (byte)'b');
            PayloadWriting.WriteTypeDigit(writer, packet.Type);
            PayloadWriting.WriteBase64(writer, packet.Data.Span);
        }
        else
        {
            PayloadWriting.WriteTypeDigit(writer, packet.Type);
            writer.Write(packet.Data.Span);
        }
    }

    // ---- binary payload ----

    private static long BinaryPacketLength(in QueuedPacket packet)
    {
        var contentLength = 1L + packet.Data.Length; // type (digit or byte) + data
        return 1 + PayloadWriting.DecimalLength(contentLength) + 1 + contentLength;
    }

    public static long GetBinaryPayloadLength(List<QueuedPacket> packets)
    {
        long total = 0;
        foreach (var packet in packets) total += BinaryPacketLength(packet);
        return total;
    }

    public static void WriteBinaryPayloadPacket(IBufferWriter<byte> writer, in QueuedPacket packet)
    {
        PayloadWriting.WriteByte(writer, packet.IsBinary ? (byte)1 : (byte)0);
        PayloadWriting.WriteDecimalDigitBytes(writer, 1L + packet.Data.Length);
        PayloadWriting.WriteByte(writer, 255);
        PayloadWriting.WriteByte(writer, packet.IsBinary ? (byte)packet.Type : (byte)('0' + (byte)packet.Type));
        writer.Write(packet.Data.Span);
    }

    // ---- decoding ----

    /// <summary>
    /// Next packet of a text payload (UTF-8 bytes). The length prefix counts UTF-16 code units, so the scan walks
    /// the UTF-8 sequences: ASCII is one unit, a 4-byte sequence two. Any inconsistency is a parse error, as in Node.
    /// </summary>
    public static DecodeStatus ReadTextPayloadPacket(Memory<byte> payload, ref int offset, out InboundPacket packet)
    {
        packet = default;
        var span = payload.Span;
        if (span.IsEmpty) return DecodeStatus.Error;
        if (offset >= span.Length) return DecodeStatus.End;

        var colon = span[offset..].IndexOf((byte)':');
        if (colon <= 0 || colon > 10) return DecodeStatus.Error; // no length, or no ':' after it
        long units = 0;
        foreach (var digit in span.Slice(offset, colon))
        {
            if (digit is < (byte)'0' or > (byte)'9') return DecodeStatus.Error;
            units = units * 10 + (digit - '0');
        }

        var start = offset + colon + 1;
        var end = start;
        long counted = 0;
        while (counted < units)
        {
            if (end >= span.Length) return DecodeStatus.Error; // shorter than announced
            var b = span[end];
            if (b < 0x80)
            {
                end++;
                counted++;
                continue;
            }
            System.Text.Rune.DecodeFromUtf8(span[end..], out var rune, out var consumed);
            end += consumed;
            counted += rune.Utf16SequenceLength;
        }
        if (counted != units) return DecodeStatus.Error; // the length split a surrogate pair
        offset = end;
        if (units == 0) return DecodeStatus.Skip; // "0:" carries nothing; Node skips it
        return DecodeTextPacket(payload[start..end], out packet);
    }

    /// <summary>One text packet (payload element or WebSocket text frame).</summary>
    public static DecodeStatus DecodeTextPacket(Memory<byte> encoded, out InboundPacket packet)
    {
        packet = default;
        if (encoded.IsEmpty) return DecodeStatus.Error;
        var first = encoded.Span[0];
        if (first == (byte)'b')
        {
            if (encoded.Length < 2 || !PayloadWriting.IsPacketTypeDigit(encoded.Span[1])) return DecodeStatus.Error;
            var type = (EnginePacketType)(encoded.Span[1] - '0');
            if (!PayloadWriting.TryDecodeBase64InPlace(encoded[2..], out var binary)) return DecodeStatus.Error;
            packet = new InboundPacket(type, binary, true);
            return DecodeStatus.Packet;
        }
        if (!PayloadWriting.IsPacketTypeDigit(first)) return DecodeStatus.Error;
        packet = new InboundPacket((EnginePacketType)(first - '0'), encoded[1..], false);
        return DecodeStatus.Packet;
    }

    /// <summary>One binary packet: type byte, then data. Node ignores an unknown type byte rather than failing.</summary>
    public static DecodeStatus DecodeBinaryPacket(Memory<byte> encoded, out InboundPacket packet)
    {
        packet = default;
        if (encoded.IsEmpty || encoded.Span[0] > (byte)EnginePacketType.Noop) return DecodeStatus.Skip;
        packet = new InboundPacket((EnginePacketType)encoded.Span[0], encoded[1..], true);
        return DecodeStatus.Packet;
    }

    /// <summary>Next packet of a binary payload (an <c>application/octet-stream</c> POST body). Empty body: no packets.</summary>
    public static DecodeStatus ReadBinaryPayloadPacket(Memory<byte> payload, ref int offset, out InboundPacket packet)
    {
        packet = default;
        var span = payload.Span;
        if (offset >= span.Length) return DecodeStatus.End;

        var isString = span[offset] == 0;
        var i = offset + 1;
        long length = 0;
        var digits = 0;
        while (true)
        {
            if (i >= span.Length) return DecodeStatus.Error;
            var b = span[i++];
            if (b == 255) break;
            if (b > 9 || ++digits > 10) return DecodeStatus.Error;
            length = length * 10 + b;
        }
        if (digits == 0 || length > span.Length - i) return DecodeStatus.Error;

        var message = payload.Slice(i, (int)length);
        offset = i + (int)length;
        return isString ? DecodeTextPacket(message, out packet) : DecodeBinaryPacket(message, out packet);
    }
}
