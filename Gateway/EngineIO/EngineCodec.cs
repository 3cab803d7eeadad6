using System.Buffers;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// What differs between protocol revisions 3 and 4 (engine.io's <c>Transport.parser</c> and the few
/// <c>protocol === 3</c> checks around it): chosen once at the handshake, so nothing else asks which revision it is.
/// </summary>
internal abstract class EngineCodec
{
    public static readonly EngineCodec V3 = new V3Codec();
    public static readonly EngineCodec V4 = new V4Codec();

    /// <summary>The codec of revision <paramref name="protocol"/> (3 or 4).</summary>
    public static EngineCodec For(int protocol) => protocol == 4 ? V4 : V3;

    /// <summary>The <c>EIO</c> revision.</summary>
    public abstract int Protocol { get; }

    /// <summary>v4: the server pings and the client answers; v3: the client pings and the server answers.</summary>
    public abstract bool ServerPings { get; }

    /// <summary>v4's open packet carries <c>maxPayload</c>; v3 clients predate it.</summary>
    public abstract bool AdvertisesMaxPayload { get; }

    /// <summary>
    /// v3 clients can miss a first frame that arrives in the same read as the WebSocket 101 (see the server's handshake),
    /// so a WebSocket-only v3 session waits a moment before its open packet.
    /// </summary>
    public abstract bool DelaysFirstWebSocketFrame { get; }

    /// <summary>Whether a POST may use the binary payload framing (application/octet-stream): v3 only.</summary>
    public abstract bool AcceptsBinaryFraming { get; }

    /// <summary>The next packet of a POST body; <paramref name="offset"/> starts at 0 and moves past it.</summary>
    public abstract DecodeStatus ReadPayloadPacket(Memory<byte> body, ref int offset, bool binaryFraming, out InboundPacket packet);

    /// <summary>One WebSocket message.</summary>
    public abstract DecodeStatus DecodeMessage(Memory<byte> message, bool isBinary, out InboundPacket packet);

    /// <summary>Whether a poll response carrying <paramref name="batch"/> uses the binary payload framing.</summary>
    public abstract bool UseBinaryFraming(List<QueuedPacket> batch, bool supportsBinary);

    /// <summary>The Content-Length of a poll response carrying <paramref name="batch"/>.</summary>
    public abstract long GetPayloadLength(List<QueuedPacket> batch, bool binaryFraming);

    /// <summary>Writes the packet at <paramref name="index"/> of a poll response.</summary>
    public abstract void WritePayloadPacket(IBufferWriter<byte> writer, in QueuedPacket packet, int index, bool binaryFraming);

    /// <summary>How a binary packet goes over a WebSocket whose request did (or, v3 <c>b64=1</c>, did not) take binary.</summary>
    public abstract BinaryMessageForm BinaryForm(bool supportsBinary);

    private sealed class V3Codec : EngineCodec
    {
        public override int Protocol => 3;
        public override bool ServerPings => false;
        public override bool AdvertisesMaxPayload => false;
        public override bool DelaysFirstWebSocketFrame => true;
        public override bool AcceptsBinaryFraming => true;

        public override DecodeStatus ReadPayloadPacket(Memory<byte> body, ref int offset, bool binaryFraming, out InboundPacket packet) =>
            binaryFraming
                ? PayloadCodecV3.ReadBinaryPayloadPacket(body, ref offset, out packet)
                : PayloadCodecV3.ReadTextPayloadPacket(body, ref offset, out packet);

        public override DecodeStatus DecodeMessage(Memory<byte> message, bool isBinary, out InboundPacket packet) =>
            isBinary ? PayloadCodecV3.DecodeBinaryPacket(message, out packet) : PayloadCodecV3.DecodeTextPacket(message, out packet);

        public override bool UseBinaryFraming(List<QueuedPacket> batch, bool supportsBinary) => PayloadCodecV3.UseBinaryFraming(batch, supportsBinary);

        public override long GetPayloadLength(List<QueuedPacket> batch, bool binaryFraming) =>
            binaryFraming ? PayloadCodecV3.GetBinaryPayloadLength(batch) : PayloadCodecV3.GetTextPayloadLength(batch);

        public override void WritePayloadPacket(IBufferWriter<byte> writer, in QueuedPacket packet, int index, bool binaryFraming)
        {
            if (binaryFraming) PayloadCodecV3.WriteBinaryPayloadPacket(writer, packet);
            else PayloadCodecV3.WriteTextPayloadPacket(writer, packet);
        }

        public override BinaryMessageForm BinaryForm(bool supportsBinary) =>
            supportsBinary ? BinaryMessageForm.TypePrefixed : BinaryMessageForm.Base64Text;
    }

    private sealed class V4Codec : EngineCodec
    {
        public override int Protocol => 4;
        public override bool ServerPings => true;
        public override bool AdvertisesMaxPayload => true;
        public override bool DelaysFirstWebSocketFrame => false;
        public override bool AcceptsBinaryFraming => false;

        public override DecodeStatus ReadPayloadPacket(Memory<byte> body, ref int offset, bool binaryFraming, out InboundPacket packet) =>
            PayloadCodecV4.ReadPayloadPacket(body, ref offset, out packet);

        public override DecodeStatus DecodeMessage(Memory<byte> message, bool isBinary, out InboundPacket packet)
        {
            if (!isBinary) return PayloadCodecV4.DecodePacket(message, out packet);
            packet = new InboundPacket(EnginePacketType.Message, message, true);
            return DecodeStatus.Packet;
        }

        public override bool UseBinaryFraming(List<QueuedPacket> batch, bool supportsBinary) => false;

        public override long GetPayloadLength(List<QueuedPacket> batch, bool binaryFraming) => PayloadCodecV4.GetPayloadLength(batch);

        public override void WritePayloadPacket(IBufferWriter<byte> writer, in QueuedPacket packet, int index, bool binaryFraming) =>
            PayloadCodecV4.WritePayloadPacket(writer, packet, first: index == 0);

        public override BinaryMessageForm BinaryForm(bool supportsBinary) => BinaryMessageForm.Raw;
    }
}

/// <summary>How a binary packet is framed as a WebSocket message.</summary>
internal enum BinaryMessageForm
{
    /// <summary>v4: the bytes as a binary message.</summary>
    Raw,
    /// <summary>v3: a binary message starting with the packet type byte.</summary>
    TypePrefixed,
    /// <summary>v3 with <c>b64=1</c>: a text message, <c>b4</c> and base64.</summary>
    Base64Text,
}
