using System.Text.Json;

namespace OrleansSocket.Gateway.Protocol;

/// <summary>
/// Decodes the Socket.IO packets of one connection. Stateful: a BINARY_EVENT/BINARY_ACK announces N
/// attachments that arrive as the next N binary Engine.IO messages, and the packet is only complete
/// then. Not thread-safe; Engine.IO delivers a session's messages serially, which is all it needs.
/// </summary>
/// <remarks>
/// Every malformed input raises <see cref="SocketIODecodeException"/>; the caller should then close the
/// connection (the reference server does). An exception also drops any half-assembled binary packet.
/// Binary packets keep their wire type (BinaryEvent/BinaryAck, unlike socket.io-parser which turns them
/// back into EVENT/ACK) and their placeholders in <see cref="SocketIOPacket.Data"/> and
/// <see cref="SocketIOPacket.Args"/>: <c>{"_placeholder":true,"num":N}</c> stands for <c>Attachments[N]</c>.
/// Re-encoding a packet with its attachments (<see cref="SocketIOEncoder"/>) reproduces the same frames.
/// </remarks>
public sealed class SocketIODecoder
{
    private readonly SocketIORevision _revision;
    private readonly int _maxAttachments;
    private readonly int _maxDepth;
    private readonly long _maxPendingBytes;
    private readonly NamespaceCache _namespaces = new();

    // The binary packet being reassembled: its attachment list is filled in place, then it is returned.
    private SocketIOPacket? _pending;
    private List<byte[]>? _pendingAttachments;
    private int _expectedAttachments;
    private long _pendingBytes;

    /// <summary>A decoder for one connection speaking Socket.IO protocol <paramref name="protocolVersion"/> (4 or 5),
    /// within the limits of <paramref name="options"/>.</summary>
    public SocketIODecoder(int protocolVersion, SocketIOParserOptions options)
        : this(protocolVersion is 4 or 5
            ? SocketIORevision.For(protocolVersion)
            : throw new ArgumentOutOfRangeException(nameof(protocolVersion), protocolVersion, "Socket.IO protocol 4 or 5."), options)
    {
    }

    /// <summary>A decoder for one connection of <paramref name="revision"/>, within the limits of <paramref name="options"/>.</summary>
    internal SocketIODecoder(SocketIORevision revision, SocketIOParserOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxAttachments);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxPendingBinaryBytes);
        _revision = revision;
        _maxAttachments = options.MaxAttachments;
        _maxDepth = options.MaxDepth;
        _maxPendingBytes = options.MaxPendingBinaryBytes;
    }

    /// <summary>5 (Socket.IO 3+, Engine.IO 4) or 4 (Socket.IO 1.x/2.x, Engine.IO 3).</summary>
    public int Protocol => _revision.Protocol;

    /// <summary>True between a binary packet's text frame and its last attachment.</summary>
    public bool IsAwaitingAttachments => _pending is not null;

    /// <summary>Bytes received of the pending binary packet (its text frame and attachments so far); 0 when there is none.</summary>
    public long PendingBytes => _pendingBytes;

    /// <summary>
    /// Decodes a text message (the UTF-8 after Engine.IO's <c>4</c>). Returns the packet, or null when it is
    /// a BINARY_EVENT/BINARY_ACK whose attachments have yet to arrive through <see cref="DecodeBinary"/>.
    /// </summary>
    public SocketIOPacket? DecodeText(ReadOnlySpan<byte> utf8)
    {
        if (_pending is not null)
        {
            // As socket.io-parser: attachments must follow their header with nothing in between.
            Reset();
            throw new SocketIODecodeException("got plaintext data when reconstructing a packet");
        }

        var header = PacketHeader.Parse(utf8, _revision.ConnectQueryInNamespace, _maxAttachments, _namespaces);
        var payload = utf8[header.PayloadStart..];
        var body = header.Type switch
        {
            SocketIOPacketType.Connect => DecodeConnect(header, payload),
            SocketIOPacketType.Disconnect => DecodeDisconnect(payload),
            SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent => DecodeEvent(header, payload),
            SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck => DecodeAck(header, payload),
            _ => DecodeConnectError(header, payload),
        };

        var attachments = header.Attachments == 0 ? null : new List<byte[]>(header.Attachments);
        var packet = new SocketIOPacket
        {
            Type = header.Type,
            Namespace = header.Namespace,
            Id = header.Id,
            Data = body.Data,
            EventName = body.EventName,
            Args = body.Args,
            Attachments = attachments ?? (IReadOnlyList<byte[]>)[],
            Query = header.Query,
        };

        if (attachments is null)
        {
            return packet;
        }

        if (utf8.Length > _maxPendingBytes)
        {
            throw TooLarge();
        }

        // The list is the packet's own Attachments, filled in place by DecodeBinary.
        _pending = packet;
        _pendingBytes = utf8.Length;
        _pendingAttachments = attachments;
        _expectedAttachments = header.Attachments;
        return null;
    }

    /// <summary>
    /// Adds a binary message as the next attachment of the pending binary packet (copied: the span is only
    /// valid during the call). Returns the packet once its last attachment arrived, null before.
    /// </summary>
    public SocketIOPacket? DecodeBinary(ReadOnlySpan<byte> data)
    {
        if (_pending is null || _pendingAttachments is null)
        {
            throw new SocketIODecodeException("got binary data when not reconstructing a packet");
        }

        if (_pendingBytes + data.Length > _maxPendingBytes)
        {
            Reset();
            throw TooLarge();
        }

        _pendingBytes += data.Length;
        _pendingAttachments.Add(data.ToArray());
        if (_pendingAttachments.Count < _expectedAttachments)
        {
            return null;
        }

        var packet = _pending;
        Reset();
        return packet;
    }

    /// <summary>Drops a half-received binary packet (socket.io-parser's <c>destroy()</c>).</summary>
    public void Reset()
    {
        _pending = null;
        _pendingAttachments = null;
        _expectedAttachments = 0;
        _pendingBytes = 0;
    }

    private SocketIODecodeException TooLarge() =>
        new($"binary packet larger than {_maxPendingBytes} bytes (MaxPendingBinaryBytes)");

    private Body DecodeConnect(in PacketHeader header, ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return default;
        }

        if (!_revision.ConnectHasPayload)
        {
            // v4 CONNECT carries no payload: auth travels in the namespace query instead.
            throw new SocketIODecodeException("invalid payload: CONNECT has no payload in protocol v4");
        }

        var scan = Scan(header, payload);
        if (scan.RootType != JsonTokenType.StartObject)
        {
            throw new SocketIODecodeException("invalid payload: CONNECT payload must be an object");
        }

        return new Body(Copy(payload, scan));
    }

    private static Body DecodeDisconnect(ReadOnlySpan<byte> payload)
    {
        if (!payload.IsEmpty)
        {
            throw new SocketIODecodeException("invalid payload: DISCONNECT has no payload");
        }

        return default;
    }

    private Body DecodeConnectError(in PacketHeader header, ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return default;
        }

        // v5 sends {"message":...,"data":...}; v4 (ERROR) a string, or the error's data object.
        var scan = Scan(header, payload);
        if (scan.RootType is not (JsonTokenType.String or JsonTokenType.StartObject))
        {
            throw new SocketIODecodeException("invalid payload: CONNECT_ERROR payload must be a string or an object");
        }

        return new Body(Copy(payload, scan));
    }

    private Body DecodeEvent(in PacketHeader header, ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            throw new SocketIODecodeException("invalid payload: EVENT payload is mandatory");
        }

        var scan = Scan(header, payload);
        if (scan.RootType != JsonTokenType.StartArray)
        {
            throw new SocketIODecodeException("invalid payload: EVENT payload must be an array");
        }

        var array = payload[scan.Start..scan.End];
        var (eventName, restStart) = ReadEventName(array);

        // One buffer holds both views: Data (the array as received) then Args ('[' + what follows the name),
        // so the arguments reach handlers as a JSON array without re-serialising any value.
        var rest = restStart < 0 ? [] : array[restStart..];
        var buffer = new byte[array.Length + 1 + Math.Max(rest.Length, 1)];
        array.CopyTo(buffer);
        buffer[array.Length] = (byte)'[';
        if (rest.IsEmpty)
        {
            buffer[^1] = (byte)']';
        }
        else
        {
            rest.CopyTo(buffer.AsSpan(array.Length + 1));
        }

        return new Body(buffer.AsMemory(0, array.Length), eventName, buffer.AsMemory(array.Length));
    }

    private Body DecodeAck(in PacketHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.Id is null)
        {
            // socket.io-parser lets it through, but an ack that names no emit can only be dropped; reject it loudly.
            throw new SocketIODecodeException("invalid packet: ACK without an ack id");
        }

        if (payload.IsEmpty)
        {
            throw new SocketIODecodeException("invalid payload: ACK payload is mandatory");
        }

        var scan = Scan(header, payload);
        if (scan.RootType != JsonTokenType.StartArray)
        {
            throw new SocketIODecodeException("invalid payload: ACK payload must be an array");
        }

        var data = Copy(payload, scan);
        return new Body(data, Args: data);
    }

    private JsonPayloadScanner.Result Scan(in PacketHeader header, ReadOnlySpan<byte> payload) =>
        JsonPayloadScanner.Scan(payload, header.Attachments, _maxDepth);

    /// <summary>
    /// Reads the first element of a validated EVENT array: it must be a string that is not reserved.
    /// Returns it with the offset of the second element, or -1 when the name is the only element.
    /// </summary>
    private static (string Name, int RestStart) ReadEventName(ReadOnlySpan<byte> array)
    {
        var reader = new Utf8JsonReader(array);
        reader.Read(); // '[' (already validated)
        reader.Read();
        if (reader.TokenType == JsonTokenType.EndArray)
        {
            throw new SocketIODecodeException("invalid payload: EVENT payload must be a non-empty array");
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            // socket.io-parser also admits numbers; event names here are strings (SocketIOPacket.EventName).
            throw new SocketIODecodeException("invalid payload: the event name must be a string");
        }

        string name;
        try
        {
            name = reader.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            // An escaped lone surrogate ("\ud800") is valid JSON but not a valid string.
            throw new SocketIODecodeException("invalid payload: the event name is not valid Unicode", ex);
        }

        if (SocketIOReservedEvents.IsReserved(name))
        {
            throw new SocketIODecodeException($"invalid payload: \"{name}\" is a reserved event name");
        }

        reader.Read();
        return (name, reader.TokenType == JsonTokenType.EndArray ? -1 : (int)reader.TokenStartIndex);
    }

    private static byte[] Copy(ReadOnlySpan<byte> payload, in JsonPayloadScanner.Result scan) =>
        payload[scan.Start..scan.End].ToArray();

    /// <summary>What a packet type's payload contributes to the packet.</summary>
    private readonly record struct Body(ReadOnlyMemory<byte> Data, string? EventName = null, ReadOnlyMemory<byte> Args = default);
}
