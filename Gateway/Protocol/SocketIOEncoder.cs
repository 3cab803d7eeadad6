using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace OrleansSocket.Gateway.Protocol;

/// <summary>
/// Encodes Socket.IO packets in socket.io-parser's text format:
/// <c>&lt;type&gt;[&lt;attachments&gt;-][&lt;namespace&gt;,][&lt;ack id&gt;][JSON]</c>, plus the attachments.
/// Pure and thread-safe. Each call allocates one array (the text message, after one byte of headroom holding
/// Engine.IO's message type <c>4</c>, so a WebSocket sends the frame as it is); argument JSON is copied as given,
/// never re-serialised, so a broadcast pays for its payload once.
/// </summary>
/// <remarks>
/// Argument-array JSON is trusted (it comes from our decoder or from handlers serialising with
/// System.Text.Json); only its outer brackets are checked. Binary arguments are
/// <c>{"_placeholder":true,"num":N}</c> placeholders in the JSON, N indexing <c>attachments</c>.
/// Invalid arguments (namespace, negative id, ...) are programming errors: ArgumentException.
/// Strings that are not valid UTF-16 (lone surrogates) are written with U+FFFD in their place.
/// </remarks>
internal static class SocketIOEncoder
{
    /// <summary>The byte before every packet's text: room for Engine.IO's type, so the frame needs no copy.</summary>
    private const int Headroom = 1;

    /// <summary>Engine.IO's <c>message</c> type, the same in v3 and v4: every Socket.IO packet travels as one.</summary>
    private const byte EngineMessageType = (byte)'4';

    /// <summary>
    /// CONNECT sent by the server when a namespace connection is accepted.
    /// v5: <c>0/nsp,{"sid":"..."}</c> (<paramref name="sid"/> required, <paramref name="pid"/> for
    /// connection state recovery); v4: <c>0</c> / <c>0/nsp,</c> with no payload (both ignored).
    /// </summary>
    public static SocketIOEncodedPacket EncodeConnect(int protocolVersion, string nsp, string? sid = null, string? pid = null)
    {
        ValidateProtocol(protocolVersion);
        ValidateNamespace(nsp);
        if (protocolVersion == 5)
        {
            ArgumentNullException.ThrowIfNull(sid);
        }

        var s = EncoderScratch.Rent();
        try
        {
            WriteHeader(s, SocketIOPacketType.Connect, 0, nsp, null, null);
            if (protocolVersion == 5)
            {
                s.Json.WriteStartObject();
                s.Json.WriteString("sid"u8, sid);
                if (pid is not null)
                {
                    s.Json.WriteString("pid"u8, pid);
                }

                s.Json.WriteEndObject();
                s.EndJson();
            }

            return Finish(s, null);
        }
        finally
        {
            EncoderScratch.Return(s);
        }
    }

    /// <summary>DISCONNECT: <c>1</c> / <c>1/nsp,</c> (same in v4 and v5).</summary>
    public static SocketIOEncodedPacket EncodeDisconnect(string nsp)
    {
        ValidateNamespace(nsp);
        return EncodeRaw(SocketIOPacketType.Disconnect, nsp, null, []);
    }

    /// <summary>
    /// EVENT <c>2/nsp,id["name",...args]</c>, or BINARY_EVENT <c>5N-/nsp,id[...]</c> when there are attachments.
    /// <paramref name="args"/> is the JSON array of the arguments after the event name (empty span: none).
    /// </summary>
    public static SocketIOEncodedPacket EncodeEvent(
        string nsp,
        string eventName,
        ReadOnlySpan<byte> args,
        IReadOnlyList<byte[]>? attachments = null,
        long? ackId = null)
    {
        ValidateNamespace(nsp);
        ArgumentNullException.ThrowIfNull(eventName);
        if (ackId is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ackId), ackId, "An ack id is non-negative.");
        }

        var inner = ArrayContents(args, nameof(args));
        var count = attachments?.Count ?? 0;
        var s = EncoderScratch.Rent();
        try
        {
            WriteHeader(s, count > 0 ? SocketIOPacketType.BinaryEvent : SocketIOPacketType.Event, count, nsp, null, ackId);
            s.WriteByte((byte)'[');

            // The writer escapes the name exactly as JSON requires (quotes, backslashes, control characters).
            s.Json.WriteStringValue(eventName);
            s.EndJson();
            if (!inner.IsEmpty)
            {
                s.WriteByte((byte)',');
                s.Write(inner);
            }

            s.WriteByte((byte)']');
            return Finish(s, attachments);
        }
        finally
        {
            EncoderScratch.Return(s);
        }
    }

    /// <summary>
    /// ACK <c>3/nsp,id[...]</c>, or BINARY_ACK <c>6N-/nsp,id[...]</c> when there are attachments.
    /// <paramref name="args"/> is the JSON array of the ack arguments (empty span: none).
    /// </summary>
    public static SocketIOEncodedPacket EncodeAck(
        string nsp,
        long id,
        ReadOnlySpan<byte> args,
        IReadOnlyList<byte[]>? attachments = null)
    {
        ValidateNamespace(nsp);
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        var inner = ArrayContents(args, nameof(args));
        var count = attachments?.Count ?? 0;
        // Sized exactly and written in place: the answer's bytes are copied once, with no scratch buffer.
        var type = count > 0 ? SocketIOPacketType.BinaryAck : SocketIOPacketType.Ack;
        var header = HeaderLength(count, nsp, null, id);
        var packet = new byte[Headroom + header + inner.Length + 2];
        packet[0] = EngineMessageType;
        var at = Headroom + WriteHeader(packet.AsSpan(Headroom), type, count, nsp, null, id);
        packet[at++] = (byte)'[';
        inner.CopyTo(packet.AsSpan(at));
        packet[^1] = (byte)']';
        return new(packet.AsMemory(Headroom), attachments ?? []);
    }

    /// <summary>
    /// Refuses a namespace connection. v5 CONNECT_ERROR: <c>4/nsp,{"message":"...","data":...}</c>
    /// (<c>data</c> only when given). v4 ERROR, as socket.io 2.x sends it: the error's
    /// <paramref name="data"/> JSON when given, else the message as a JSON string: <c>4/nsp,"message"</c>.
    /// </summary>
    public static SocketIOEncodedPacket EncodeConnectError(
        int protocolVersion,
        string nsp,
        string message,
        ReadOnlySpan<byte> data = default)
    {
        ValidateProtocol(protocolVersion);
        ValidateNamespace(nsp);
        ArgumentNullException.ThrowIfNull(message);
        var s = EncoderScratch.Rent();
        try
        {
            WriteHeader(s, SocketIOPacketType.ConnectError, 0, nsp, null, null);
            if (protocolVersion == 5)
            {
                s.Json.WriteStartObject();
                s.Json.WriteString("message"u8, message);
                if (!data.IsEmpty)
                {
                    s.Json.WritePropertyName("data"u8);
                    WriteApplicationJson(s, data);
                }

                s.Json.WriteEndObject();
            }
            else if (!data.IsEmpty)
            {
                WriteApplicationJson(s, data);
            }
            else
            {
                s.Json.WriteStringValue(message);
            }

            s.EndJson();
            return Finish(s, null);
        }
        finally
        {
            EncoderScratch.Return(s);
        }
    }

    /// <summary>Writes JSON from application code, validated: a typo there must not reach clients as a broken packet.</summary>
    private static void WriteApplicationJson(EncoderScratch s, ReadOnlySpan<byte> data)
    {
        try
        {
            s.Json.WriteRawValue(data);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException("The error data is not valid JSON.", nameof(data), ex);
        }
    }

    /// <summary>
    /// Encodes a whole packet, e.g. one produced by <see cref="SocketIODecoder"/>: the inverse of decoding.
    /// CONNECT and CONNECT_ERROR write <see cref="SocketIOPacket.Data"/> as is (v4 CONNECT: the namespace
    /// and <see cref="SocketIOPacket.Query"/> only); EVENT uses EventName/Args; ACK uses Args (else Data).
    /// </summary>
    public static SocketIOEncodedPacket Encode(SocketIOPacket packet, int protocolVersion)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ValidateProtocol(protocolVersion);
        ValidateNamespace(packet.Namespace);
        switch (packet.Type)
        {
            case SocketIOPacketType.Connect when protocolVersion == 4:
                return EncodeRaw(SocketIOPacketType.Connect, packet.Namespace, packet.Query, []);
            case SocketIOPacketType.Connect:
            case SocketIOPacketType.ConnectError:
                return EncodeRaw(packet.Type, packet.Namespace, null, packet.Data.Span);
            case SocketIOPacketType.Disconnect:
                return EncodeDisconnect(packet.Namespace);
            case SocketIOPacketType.Event:
            case SocketIOPacketType.BinaryEvent:
                var eventName = packet.EventName
                    ?? throw new ArgumentException("An EVENT packet needs an EventName.", nameof(packet));
                return EncodeEvent(packet.Namespace, eventName, packet.Args.Span, packet.Attachments, packet.Id);
            case SocketIOPacketType.Ack:
            case SocketIOPacketType.BinaryAck:
                var id = packet.Id ?? throw new ArgumentException("An ACK packet needs an Id.", nameof(packet));
                var args = packet.Args.IsEmpty ? packet.Data : packet.Args;
                return EncodeAck(packet.Namespace, id, args.Span, packet.Attachments);
            default:
                throw new ArgumentOutOfRangeException(nameof(packet), packet.Type, "Unknown packet type.");
        }
    }

    /// <summary>A packet whose payload (possibly none) is already JSON.</summary>
    private static SocketIOEncodedPacket EncodeRaw(SocketIOPacketType type, string nsp, string? query, ReadOnlySpan<byte> payload)
    {
        var packet = new byte[Headroom + HeaderLength(0, nsp, query, null) + payload.Length];
        packet[0] = EngineMessageType;
        var at = Headroom + WriteHeader(packet.AsSpan(Headroom), type, 0, nsp, query, null);
        payload.CopyTo(packet.AsSpan(at));
        return new(packet.AsMemory(Headroom), []);
    }

    /// <summary>Writes the header into the scratch buffer (packets whose JSON the scratch's writer produces).</summary>
    private static void WriteHeader(EncoderScratch s, SocketIOPacketType type, int attachments, string nsp, string? query, long? id)
    {
        var length = HeaderLength(attachments, nsp, query, id);
        s.Buffer.Advance(WriteHeader(s.Buffer.GetSpan(length), type, attachments, nsp, query, id));
    }

    /// <summary>The length of what <see cref="WriteHeader(Span{byte}, SocketIOPacketType, int, string, string?, long?)"/> writes.</summary>
    private static int HeaderLength(int attachments, string nsp, string? query, long? id)
    {
        var length = 1;
        if (attachments > 0) length += DigitCount(attachments) + 1;
        if (nsp != "/" || query is not null)
            length += Encoding.UTF8.GetByteCount(nsp) + (query is null ? 0 : 1 + Encoding.UTF8.GetByteCount(query)) + 1;
        if (id is { } value) length += DigitCount(value);
        return length;
    }

    /// <summary><c>&lt;type&gt;[&lt;attachments&gt;-][&lt;namespace&gt;[?query],][&lt;id&gt;]</c>; returns the bytes written.</summary>
    private static int WriteHeader(Span<byte> span, SocketIOPacketType type, int attachments, string nsp, string? query, long? id)
    {
        span[0] = (byte)('0' + (int)type);
        var at = 1;
        if (attachments > 0)
        {
            Utf8Formatter.TryFormat(attachments, span[at..], out var written);
            at += written;
            span[at++] = (byte)'-';
        }

        // The main namespace is implicit; any other is followed by a comma, even with nothing after it.
        if (nsp != "/" || query is not null)
        {
            at += Encoding.UTF8.GetBytes(nsp, span[at..]);
            if (query is not null)
            {
                span[at++] = (byte)'?';
                at += Encoding.UTF8.GetBytes(query, span[at..]);
            }

            span[at++] = (byte)',';
        }

        if (id is { } value)
        {
            Utf8Formatter.TryFormat(value, span[at..], out var written);
            at += written;
        }

        return at;
    }

    private static int DigitCount(long value)
    {
        var digits = 1;
        for (; value >= 10; value /= 10) digits++;
        return digits;
    }

    private static SocketIOEncodedPacket Finish(EncoderScratch s, IReadOnlyList<byte[]>? attachments)
    {
        var written = s.Buffer.WrittenSpan;
        var packet = new byte[Headroom + written.Length];
        packet[0] = EngineMessageType;
        written.CopyTo(packet.AsSpan(Headroom));
        return new(packet.AsMemory(Headroom), attachments ?? []);
    }

    /// <summary>What is between the brackets of a JSON array (trimmed), or empty for "no arguments".</summary>
    private static ReadOnlySpan<byte> ArrayContents(ReadOnlySpan<byte> array, string paramName)
    {
        var trimmed = TrimJsonWhitespace(array);
        if (trimmed.IsEmpty)
        {
            return [];
        }

        if (trimmed.Length < 2 || trimmed[0] != (byte)'[' || trimmed[^1] != (byte)']')
        {
            throw new ArgumentException("Expected a JSON array of arguments.", paramName);
        }

        return TrimJsonWhitespace(trimmed[1..^1]);
    }

    private static ReadOnlySpan<byte> TrimJsonWhitespace(ReadOnlySpan<byte> json) => json.Trim(" \t\r\n"u8);

    private static void ValidateProtocol(int protocolVersion)
    {
        if (protocolVersion is not (4 or 5))
        {
            throw new ArgumentOutOfRangeException(nameof(protocolVersion), protocolVersion, "Socket.IO protocol 4 or 5.");
        }
    }

    /// <summary>The wire format has no escaping: a namespace is "/..." and a comma would end it early.</summary>
    private static void ValidateNamespace(string nsp)
    {
        ArgumentNullException.ThrowIfNull(nsp);
        if (nsp.Length == 0 || nsp[0] != '/')
        {
            throw new ArgumentException("A namespace starts with '/'.", nameof(nsp));
        }

        if (nsp.Contains(','))
        {
            throw new ArgumentException("invalid namespace: must not contain a comma", nameof(nsp));
        }
    }
}
