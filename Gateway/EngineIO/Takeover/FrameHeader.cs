using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace OrleansSocket.Gateway.EngineIO.Takeover;

/// <summary>How far <see cref="FrameHeader.TryRead"/> got with the bytes it was given.</summary>
internal enum FrameHeaderStatus
{
    /// <summary>A whole header that follows RFC 6455 for a client's frame.</summary>
    Read,

    /// <summary>Not all of the header has arrived yet.</summary>
    Incomplete,

    /// <summary>The header breaks RFC 6455 (the frame is a protocol error, 1002).</summary>
    Invalid,
}

/// <summary>
/// The header of a WebSocket frame a client sent (RFC 6455 section 5.2). No extension is ever negotiated, so the
/// reserved bits must be clear; a client's frames must be masked; a control frame must be whole and carry at most
/// 125 bytes.
/// </summary>
/// <param name="Fin">Whether the frame ends its message.</param>
/// <param name="Opcode">The frame's opcode.</param>
/// <param name="Length">The payload's length.</param>
/// <param name="Mask">The masking key, its four bytes in the order they came.</param>
internal readonly record struct FrameHeader(bool Fin, FrameOpcode Opcode, long Length, int Mask)
{
    /// <summary>The longest header: 2 bytes, a 64-bit length and the masking key.</summary>
    public const int MaxSize = 14;

    /// <summary>Whether the frame is a control frame (close, ping, pong).</summary>
    public bool IsControl => Opcode >= FrameOpcode.Close;

    /// <summary>Reads the header at the start of <paramref name="buffer"/>; <paramref name="size"/> is its size in bytes.</summary>
    public static FrameHeaderStatus TryRead(ReadOnlySequence<byte> buffer, out FrameHeader header, out int size)
    {
        header = default;
        size = 0;
        Span<byte> bytes = stackalloc byte[MaxSize];
        var available = (int)Math.Min(buffer.Length, MaxSize);
        if (available < 2) return FrameHeaderStatus.Incomplete;
        buffer.Slice(0, available).CopyTo(bytes);

        var fin = (bytes[0] & 0x80) != 0;
        var opcode = (FrameOpcode)(bytes[0] & 0x0F);
        var masked = (bytes[1] & 0x80) != 0;
        var length7 = bytes[1] & 0x7F;
        if ((bytes[0] & 0x70) != 0 || !masked || !IsKnown(opcode)) return FrameHeaderStatus.Invalid;

        size = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + 4;
        if (available < size) return FrameHeaderStatus.Incomplete;
        long length = length7 switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]),
            127 => (long)BinaryPrimitives.ReadUInt64BigEndian(bytes[2..]), // negative when its top bit is set
            _ => length7,
        };
        if (length < 0) return FrameHeaderStatus.Invalid;
        if (opcode >= FrameOpcode.Close && (!fin || length > 125)) return FrameHeaderStatus.Invalid;
        header = new FrameHeader(fin, opcode, length, MemoryMarshal.Read<int>(bytes[(size - 4)..]));
        return FrameHeaderStatus.Read;
    }

    private static bool IsKnown(FrameOpcode opcode) => opcode is FrameOpcode.Continuation or FrameOpcode.Text or FrameOpcode.Binary
        or FrameOpcode.Close or FrameOpcode.Ping or FrameOpcode.Pong;

    /// <summary>
    /// Writes the header of a server's frame (unmasked) at the start of <paramref name="destination"/>, which has
    /// room for <see cref="MaxSize"/> bytes, and returns its size.
    /// </summary>
    public static int Write(Span<byte> destination, bool fin, FrameOpcode opcode, long length)
    {
        destination[0] = (byte)((fin ? 0x80 : 0) | (int)opcode);
        if (length <= 125)
        {
            destination[1] = (byte)length;
            return 2;
        }
        if (length <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)length);
            return 4;
        }
        destination[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)length);
        return 10;
    }
}

/// <summary>RFC 6455's opcodes.</summary>
internal enum FrameOpcode : byte
{
    /// <summary>A further fragment of the message in progress.</summary>
    Continuation = 0,

    /// <summary>The first frame of a text message.</summary>
    Text = 1,

    /// <summary>The first frame of a binary message.</summary>
    Binary = 2,

    /// <summary>The close frame.</summary>
    Close = 8,

    /// <summary>A ping, answered with a pong of the same payload.</summary>
    Ping = 9,

    /// <summary>A pong.</summary>
    Pong = 10,
}
