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
internal sealed class SocketIODecoder
{
    /// <summary>long.MaxValue has 19 digits; more can never fit, so stop scanning there.</summary>
    private const int MaxIdDigits = 19;

    private static readonly byte[] NoArgs = "[]"u8.ToArray();

    private readonly SocketIORevision _revision;
    private readonly int _maxAttachments;
    private readonly int _maxDepth;
    private readonly bool _keepEventData;
    private readonly NamespaceCache _namespaces = new();
    private string? _lastEventName;
    private readonly BinaryPacketAssembler _binary;

    /// <summary>A decoder for one connection speaking Socket.IO protocol <paramref name="protocolVersion"/> (4 or 5),
    /// within the limits of <paramref name="options"/>.</summary>
    public SocketIODecoder(int protocolVersion, SocketIOParserOptions options)
        : this(protocolVersion is 4 or 5
            ? SocketIORevision.For(protocolVersion)
            : throw new ArgumentOutOfRangeException(nameof(protocolVersion), protocolVersion, "Socket.IO protocol 4 or 5."), options)
    {
    }

    /// <summary>
    /// A decoder for one connection of <paramref name="revision"/>, within the limits of <paramref name="options"/>.
    /// <paramref name="keepEventData"/> false: an EVENT's <see cref="SocketIOPacket.Data"/> stays empty, as a session needs
    /// only its name and <see cref="SocketIOPacket.Args"/>, and its bytes are then copied once, into the arguments.
    /// </summary>
    internal SocketIODecoder(SocketIORevision revision, SocketIOParserOptions options, bool keepEventData = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxAttachments);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxPendingBinaryBytes);
        _revision = revision;
        _maxAttachments = options.MaxAttachments;
        _maxDepth = options.MaxDepth;
        _keepEventData = keepEventData;
        _binary = new BinaryPacketAssembler(options.MaxPendingBinaryBytes);
    }

    /// <summary>5 (Socket.IO 3+, Engine.IO 4) or 4 (Socket.IO 1.x/2.x, Engine.IO 3).</summary>
    public int Protocol => _revision.Protocol;

    /// <summary>True between a binary packet's text frame and its last attachment.</summary>
    public bool IsAwaitingAttachments => _binary.IsAwaiting;

    /// <summary>Bytes received of the pending binary packet (its text frame and attachments so far); 0 when there is none.</summary>
    public long PendingBytes => _binary.PendingBytes;

    /// <summary>
    /// Decodes a text message (the UTF-8 after Engine.IO's <c>4</c>). Returns the packet, or null when it is
    /// a BINARY_EVENT/BINARY_ACK whose attachments have yet to arrive through <see cref="DecodeBinary"/>.
    /// </summary>
    public SocketIOPacket? DecodeText(ReadOnlySpan<byte> utf8)
    {
        if (_binary.IsAwaiting)
        {
            // As socket.io-parser: attachments must follow their header with nothing in between.
            _binary.Reset();
            throw new SocketIODecodeException("got plaintext data when reconstructing a packet");
        }

        // The header, read the way socket.io-parser's decodeString does, with the same rejections:
        // <type>[<attachments>-][<namespace>,][<ack id>], then the JSON payload.
        if (utf8.IsEmpty)
        {
            throw new SocketIODecodeException("empty packet");
        }

        var typeByte = utf8[0];
        if (typeByte is < (byte)'0' or > (byte)'6')
        {
            throw new SocketIODecodeException($"unknown packet type {DescribeByte(typeByte)}");
        }

        var type = (SocketIOPacketType)(typeByte - '0');
        var i = 1;
        var attachments = type is SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck
            ? BinaryPacketAssembler.ReadCount(utf8, ref i, _maxAttachments)
            : 0;

        var nsp = "/";
        string? query = null;
        if (i < utf8.Length && utf8[i] == (byte)'/')
        {
            // The namespace runs to the first comma, or to the end (e.g. "0/admin"): the built-in parser has no escaping.
            var comma = utf8[i..].IndexOf((byte)',');
            var end = comma < 0 ? utf8.Length : i + comma;
            var nspBytes = utf8[i..end];
            i = comma < 0 ? utf8.Length : end + 1;

            // v4 clients (socket.io-client 2.x) append the connect query to the namespace: "0/nsp?token=abc,".
            if (type == SocketIOPacketType.Connect && _revision.ConnectQueryInNamespace && nspBytes.IndexOf((byte)'?') is var question and >= 0)
            {
                query = StrictUtf8.Decode(nspBytes[(question + 1)..], "query");
                nspBytes = nspBytes[..question];
            }

            nsp = _namespaces.Get(nspBytes);
        }

        long? id = null;
        if (i < utf8.Length && IsDigit(utf8[i]))
        {
            id = ReadId(utf8, ref i);
        }

        var payload = utf8[i..];
        var body = type switch
        {
            SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent => DecodeEvent(payload, attachments),
            SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck => DecodeAck(payload, attachments, id),
            SocketIOPacketType.Connect => new Body(NamespacePayloads.Connect(payload, _revision, _maxDepth)),
            SocketIOPacketType.Disconnect => new Body(NamespacePayloads.Disconnect(payload)),
            _ => new Body(NamespacePayloads.ConnectError(payload, _maxDepth)),
        };

        var own = attachments == 0 ? null : new byte[attachments][];
        var packet = new SocketIOPacket
        {
            Type = type,
            Namespace = nsp,
            Id = id,
            Data = body.Data,
            EventName = body.EventName,
            Args = body.Args,
            Attachments = own ?? (IReadOnlyList<byte[]>)[],
            Query = query,
        };

        if (own is null)
        {
            return packet;
        }

        // The array is the packet's own Attachments, filled in place by DecodeBinary.
        _binary.Begin(packet, own, utf8.Length);
        return null;
    }

    /// <summary>
    /// Adds a binary message as the next attachment of the pending binary packet (copied: the span is only
    /// valid during the call). Returns the packet once its last attachment arrived, null before.
    /// </summary>
    public SocketIOPacket? DecodeBinary(ReadOnlySpan<byte> data) => _binary.Add(data);

    /// <summary>Drops a half-received binary packet (socket.io-parser's <c>destroy()</c>).</summary>
    public void Reset() => _binary.Reset();

    /// <summary>
    /// An EVENT's payload: a JSON array whose first element is the event name, a string that is not reserved. The
    /// arguments are <c>[</c> and what follows the name, so they reach handlers as a JSON array without re-serialising
    /// any value. Without the event's Data (a session's decoder) they get an array of their own, which the session hands
    /// on as it is; with it, one buffer holds both views.
    /// </summary>
    private Body DecodeEvent(ReadOnlySpan<byte> payload, int attachments)
    {
        if (payload.IsEmpty)
        {
            throw new SocketIODecodeException("invalid payload: EVENT payload is mandatory");
        }

        // One pass validates the JSON and finds the name and where the arguments start.
        // A client mostly sends the same events again: the name it sent last is reused, not allocated anew.
        var scan = JsonPayloadScanner.Scan(payload, attachments, _maxDepth, readFirstString: true, knownFirstString: _lastEventName);
        if (scan.RootType != JsonTokenType.StartArray)
        {
            throw new SocketIODecodeException("invalid payload: EVENT payload must be an array");
        }

        if (scan.FirstType == JsonTokenType.None)
        {
            throw new SocketIODecodeException("invalid payload: EVENT payload must be a non-empty array");
        }

        if (scan.FirstType != JsonTokenType.String)
        {
            // socket.io-parser also admits numbers; event names here are strings (SocketIOPacket.EventName).
            throw new SocketIODecodeException("invalid payload: the event name must be a string");
        }

        // An escaped lone surrogate ("\ud800") is valid JSON but not a valid string.
        var name = scan.FirstString ?? throw new SocketIODecodeException("invalid payload: the event name is not valid Unicode");
        if (SocketIOReservedEvents.IsReserved(name))
        {
            throw new SocketIODecodeException($"invalid payload: \"{name}\" is a reserved event name");
        }

        _lastEventName = name;

        var rest = scan.SecondStart < 0 ? [] : payload[scan.SecondStart..scan.End];
        if (!_keepEventData)
        {
            if (rest.IsEmpty)
            {
                return new Body(default, name, NoArgs);
            }

            var args = new byte[1 + rest.Length];
            args[0] = (byte)'[';
            rest.CopyTo(args.AsSpan(1));
            return new Body(default, name, args);
        }

        // One buffer holds both views: Data (the array as received) then Args.
        var array = payload[scan.Start..scan.End];
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

        return new Body(buffer.AsMemory(0, array.Length), name, buffer.AsMemory(array.Length));
    }

    private Body DecodeAck(ReadOnlySpan<byte> payload, int attachments, long? id)
    {
        if (id is null)
        {
            // socket.io-parser lets it through, but an ack that names no emit can only be dropped; reject it loudly.
            throw new SocketIODecodeException("invalid packet: ACK without an ack id");
        }

        if (payload.IsEmpty)
        {
            throw new SocketIODecodeException("invalid payload: ACK payload is mandatory");
        }

        var scan = JsonPayloadScanner.Scan(payload, attachments, _maxDepth);
        if (scan.RootType != JsonTokenType.StartArray)
        {
            throw new SocketIODecodeException("invalid payload: ACK payload must be an array");
        }

        // Data and Args are the one array: a session hands it on as it is.
        var data = payload[scan.Start..scan.End].ToArray();
        return new Body(data, Args: data);
    }

    private static long ReadId(ReadOnlySpan<byte> text, ref int i)
    {
        var start = i;
        long id = 0;
        while (i < text.Length && IsDigit(text[i]))
        {
            if (i - start == MaxIdDigits)
            {
                throw new SocketIODecodeException($"ack id too long (more than {MaxIdDigits} digits)");
            }

            var digit = text[i] - '0';
            if (id > (long.MaxValue - digit) / 10)
            {
                throw new SocketIODecodeException("ack id too large");
            }

            id = (id * 10) + digit;
            i++;
        }

        return id;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    /// <summary>Names a bad byte without echoing control characters into logs.</summary>
    private static string DescribeByte(byte b) =>
        b is >= 0x21 and < 0x7F ? $"'{(char)b}'" : $"0x{b:X2}";

    /// <summary>What a packet type's payload contributes to the packet.</summary>
    private readonly record struct Body(ReadOnlyMemory<byte> Data, string? EventName = null, ReadOnlyMemory<byte> Args = default);
}
