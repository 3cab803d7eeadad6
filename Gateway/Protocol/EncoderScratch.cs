using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrleansSocket.Gateway.Protocol;

/// <summary>
/// A per-thread scratch buffer and JSON writer for <see cref="SocketIOEncoder"/>, so encoding a packet
/// allocates only its exactly-sized output array. Rent/return (not a bare [ThreadStatic] use) keeps it
/// correct even if an encode ever nests on the same thread.
/// </summary>
internal sealed class EncoderScratch
{
    /// <summary>Larger buffers are dropped after use rather than pinned to the thread forever.</summary>
    private const int MaxRetainedCapacity = 64 * 1024;

    /// <summary>
    /// Relaxed escaping writes non-ASCII as UTF-8 (like JSON.stringify) instead of \uXXXX; the HTML-safety
    /// it gives up does not matter on a Socket.IO wire, where the JSON is never inlined into a page.
    /// </summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static EncoderScratch? _cached;

    private EncoderScratch()
    {
        Buffer = new ArrayBufferWriter<byte>(256);
        Json = new Utf8JsonWriter(Buffer, WriterOptions);
    }

    public ArrayBufferWriter<byte> Buffer { get; }

    /// <summary>Writes into <see cref="Buffer"/>; call <see cref="EndJson"/> after each JSON value.</summary>
    public Utf8JsonWriter Json { get; }

    public static EncoderScratch Rent()
    {
        var scratch = _cached ?? new EncoderScratch();
        _cached = null;
        scratch.Buffer.ResetWrittenCount();
        scratch.Json.Reset();
        return scratch;
    }

    public static void Return(EncoderScratch scratch)
    {
        if (scratch.Buffer.Capacity <= MaxRetainedCapacity)
        {
            _cached = scratch;
        }
    }

    /// <summary>Flushes the JSON value into the buffer, so raw bytes can follow, and allows another root value.</summary>
    public void EndJson()
    {
        Json.Flush();
        Json.Reset();
    }

    public void WriteByte(byte value)
    {
        Buffer.GetSpan(1)[0] = value;
        Buffer.Advance(1);
    }

    public void Write(ReadOnlySpan<byte> bytes) => Buffer.Write(bytes);
}
