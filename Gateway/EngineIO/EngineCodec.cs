using System.Buffers;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// What differs between protocol revisions 3 and 4 (engine.io's <c>Transport.parser</c> and the few
/// <c>protocol === 3</c> checks around it): chosen once at the handshake, so nothing else asks which revision it is.
/// Each revision's payload codec is its implementation (<see cref="PayloadCodecV3"/>, <see cref="PayloadCodecV4"/>),
/// so a transport's decode goes straight to it.
/// </summary>
internal abstract class EngineCodec
{
    public static readonly EngineCodec V3 = new PayloadCodecV3();
    public static readonly EngineCodec V4 = new PayloadCodecV4();

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
