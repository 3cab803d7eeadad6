namespace OrleansSocket.Gateway.Protocol;

/// <summary>
/// The binary packet a decoder is reassembling: a BINARY_EVENT/BINARY_ACK announces N attachments in its header
/// (<c>51-["e",{"_placeholder":true,"num":0}]</c>) that arrive as the next N binary messages. Bounded: the text
/// frame and the attachments so far stay within <see cref="SocketIOParserOptions.MaxPendingBinaryBytes"/>.
/// </summary>
internal sealed class BinaryPacketAssembler(long maxPendingBytes)
{
    /// <summary>int.MaxValue has 10 digits; any longer count is above every sane MaxAttachments.</summary>
    private const int MaxCountDigits = 9;

    // The packet's own Attachments array, filled in place, then the packet is returned.
    private SocketIOPacket? _packet;
    private byte[][]? _attachments;
    private int _received;
    private long _bytes;

    /// <summary>True between a binary packet's text frame and its last attachment.</summary>
    public bool IsAwaiting => _packet is not null;

    /// <summary>Bytes received of the pending packet (its text frame and attachments so far); 0 when there is none.</summary>
    public long PendingBytes => _bytes;

    /// <summary>
    /// Reads the attachment count of a binary packet's header at <paramref name="i"/> (<c>&lt;count&gt;-</c>) and moves
    /// past it, with socket.io-parser's rejections.
    /// </summary>
    public static int ReadCount(ReadOnlySpan<byte> text, ref int i, int maxAttachments)
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

        if (digits.Length > MaxCountDigits)
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

    /// <summary>Starts reassembling <paramref name="packet"/>, whose <paramref name="attachments"/> array the next binary messages fill.</summary>
    public void Begin(SocketIOPacket packet, byte[][] attachments, int textLength)
    {
        if (textLength > maxPendingBytes)
        {
            throw TooLarge();
        }

        _packet = packet;
        _attachments = attachments;
        _received = 0;
        _bytes = textLength;
    }

    /// <summary>
    /// Adds a binary message as the next attachment (copied: the span is only valid during the call). Returns the
    /// packet once its last attachment arrived, null before.
    /// </summary>
    public SocketIOPacket? Add(ReadOnlySpan<byte> data)
    {
        if (_packet is null || _attachments is null)
        {
            throw new SocketIODecodeException("got binary data when not reconstructing a packet");
        }

        if (_bytes + data.Length > maxPendingBytes)
        {
            Reset();
            throw TooLarge();
        }

        _bytes += data.Length;
        _attachments[_received++] = data.ToArray();
        if (_received < _attachments.Length)
        {
            return null;
        }

        var packet = _packet;
        Reset();
        return packet;
    }

    /// <summary>Drops a half-received packet (socket.io-parser's <c>destroy()</c>).</summary>
    public void Reset()
    {
        _packet = null;
        _attachments = null;
        _received = 0;
        _bytes = 0;
    }

    private SocketIODecodeException TooLarge() =>
        new($"binary packet larger than {maxPendingBytes} bytes (MaxPendingBinaryBytes)");
}
