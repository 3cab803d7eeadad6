namespace OrleansSocket.Gateway.Protocol;

/// <summary>
/// The part of an encoded packet before its JSON payload:
/// <c>&lt;type&gt;[&lt;attachments&gt;-][&lt;namespace&gt;,][&lt;ack id&gt;]</c>.
/// </summary>
internal readonly record struct PacketHeader(
    SocketIOPacketType Type,
    int Attachments,
    string Namespace,
    string? Query,
    long? Id,
    int PayloadStart)
{
    /// <summary>long.MaxValue has 19 digits; more can never fit, so stop scanning there.</summary>
    private const int MaxIdDigits = 19;

    /// <summary>int.MaxValue has 10 digits; any longer count is above every sane MaxAttachments.</summary>
    private const int MaxAttachmentDigits = 9;

    /// <summary>
    /// Reads the header the way socket.io-parser's <c>decodeString</c> does, with the same rejections.
    /// <paramref name="connectQueryInNamespace"/>: a CONNECT's namespace may end with a query (protocol v4).
    /// </summary>
    public static PacketHeader Parse(ReadOnlySpan<byte> text, bool connectQueryInNamespace, int maxAttachments, NamespaceCache namespaces)
    {
        if (text.IsEmpty)
        {
            throw new SocketIODecodeException("empty packet");
        }

        var typeByte = text[0];
        if (typeByte is < (byte)'0' or > (byte)'6')
        {
            throw new SocketIODecodeException($"unknown packet type {DescribeByte(typeByte)}");
        }

        var type = (SocketIOPacketType)(typeByte - '0');
        var i = 1;

        var attachments = 0;
        if (type is SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck)
        {
            attachments = ParseAttachmentCount(text, ref i, maxAttachments);
        }

        var nsp = "/";
        string? query = null;
        if (i < text.Length && text[i] == (byte)'/')
        {
            // The namespace runs to the first comma, or to the end (e.g. "0/admin"): the built-in parser has no escaping.
            var comma = text[i..].IndexOf((byte)',');
            var end = comma < 0 ? text.Length : i + comma;
            var nspBytes = text[i..end];
            i = comma < 0 ? text.Length : end + 1;

            // v4 clients (socket.io-client 2.x) append the connect query to the namespace: "0/nsp?token=abc,".
            if (connectQueryInNamespace && type == SocketIOPacketType.Connect)
            {
                var question = nspBytes.IndexOf((byte)'?');
                if (question >= 0)
                {
                    query = StrictUtf8.Decode(nspBytes[(question + 1)..], "query");
                    nspBytes = nspBytes[..question];
                }
            }

            nsp = namespaces.Get(nspBytes);
        }

        long? id = null;
        if (i < text.Length && IsDigit(text[i]))
        {
            id = ParseId(text, ref i);
        }

        return new PacketHeader(type, attachments, nsp, query, id, i);
    }

    private static int ParseAttachmentCount(ReadOnlySpan<byte> text, ref int i, int maxAttachments)
    {
        var dash = text[i..].IndexOf((byte)'-');
        if (dash < 0)
        {
            throw new SocketIODecodeException("illegal attachments: missing '-' after the attachment count");
        }

        var digits = text.Slice(i, dash);
        if (digits.IsEmpty || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            throw new SocketIODecodeException("illegal attachments: the attachment count is not a number");
        }

        if (digits.Length > MaxAttachmentDigits)
        {
            throw new SocketIODecodeException($"too many attachments (the limit is {maxAttachments})");
        }

        var count = 0;
        foreach (var d in digits)
        {
            count = (count * 10) + (d - '0');
        }

        if (count < 1)
        {
            throw new SocketIODecodeException("illegal attachments: a binary packet needs at least one attachment");
        }

        if (count > maxAttachments)
        {
            throw new SocketIODecodeException($"too many attachments: {count} (the limit is {maxAttachments})");
        }

        i += dash + 1;
        return count;
    }

    private static long ParseId(ReadOnlySpan<byte> text, ref int i)
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
}
