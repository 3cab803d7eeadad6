using System.Buffers;
using System.Buffers.Text;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>Small helpers that write encoded pieces straight into a response or frame buffer, without temporaries.</summary>
internal static class PayloadWriting
{
    /// <summary>Input chunk for streaming base64: a multiple of 3, so only the last chunk may carry padding.</summary>
    private const int Base64Chunk = 3 * 1024;

    public static int Base64Length(int byteCount) => ((byteCount + 2) / 3) * 4;

    /// <summary>Decimal digit count of a non-negative number.</summary>
    public static int DecimalLength(long value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }
        return digits;
    }

    public static void WriteByte(IBufferWriter<byte> writer, byte value)
    {
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }

    public static void WriteTypeDigit(IBufferWriter<byte> writer, EnginePacketType type) => WriteByte(writer, (byte)('0' + (byte)type));

    /// <summary>A number as ASCII digits ("123").</summary>
    public static void WriteDecimalAscii(IBufferWriter<byte> writer, long value)
    {
        var span = writer.GetSpan(20);
        if (!value.TryFormat(span, out var written)) throw new InvalidOperationException("unreachable: 20 bytes hold any long");
        writer.Advance(written);
    }

    /// <summary>A number as one byte per decimal digit (1, 2, 3), as the v3 binary payload framing has it.</summary>
    public static void WriteDecimalDigitBytes(IBufferWriter<byte> writer, long value)
    {
        var length = DecimalLength(value);
        var span = writer.GetSpan(length);
        for (var i = length - 1; i >= 0; i--)
        {
            span[i] = (byte)(value % 10);
            value /= 10;
        }
        writer.Advance(length);
    }

    /// <summary>Base64 in chunks, so a large binary never needs one contiguous temporary.</summary>
    public static void WriteBase64(IBufferWriter<byte> writer, ReadOnlySpan<byte> data)
    {
        do
        {
            var chunk = data.Length > Base64Chunk ? data[..Base64Chunk] : data;
            var isFinal = chunk.Length == data.Length;
            var span = writer.GetSpan(Base64Length(chunk.Length));
            Base64.EncodeToUtf8(chunk, span, out var consumed, out var written, isFinal);
            writer.Advance(written);
            data = data[consumed..];
        } while (!data.IsEmpty);
    }

    /// <summary>Decodes base64 over itself (the decoded bytes are never longer than the text); false if invalid.</summary>
    public static bool TryDecodeBase64InPlace(Memory<byte> text, out Memory<byte> decoded)
    {
        if (Base64.DecodeFromUtf8InPlace(text.Span, out var written) != OperationStatus.Done)
        {
            decoded = default;
            return false;
        }
        decoded = text[..written];
        return true;
    }

    public static bool IsPacketTypeDigit(byte b) => b >= (byte)'0' && b <= (byte)'6';
}
