using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using Orleans.Serialization;

namespace OrleansSocket.Grains.Sockets;

/// <summary>What <see cref="EventLinkFrames.TryRead"/> found at the start of a buffer.</summary>
internal enum EventLinkRead
{
    /// <summary>Not a whole frame yet: read more.</summary>
    NeedMore,

    /// <summary>A whole frame, taken off the buffer.</summary>
    Frame,

    /// <summary>A frame header announcing a body larger than allowed: the peer is closed.</summary>
    TooLarge,
}

/// <summary>
/// The framing of the event link between a thin gateway and a silo (<c>SocketIO:EventLink</c>): each frame is a 12-byte
/// header (the body's length as a little-endian int32, the request id as a little-endian int64) and a body, an
/// <see cref="EventBatch"/> from the gateway or the <see cref="EventBatchResult"/> answering the batch of the same id from
/// the silo, in Orleans' serialization (the codecs the grain call would use, so what crosses is what a call carries).
/// </summary>
internal static class EventLinkFrames
{
    /// <summary>Bytes before each body.</summary>
    public const int HeaderBytes = 12;

    /// <summary>Writes one frame of id <paramref name="id"/> whose body is <paramref name="value"/> serialized.</summary>
    public static void Write<T>(ArrayBufferWriter<byte> writer, Serializer serializer, long id, T value)
    {
        var start = writer.WrittenCount;
        writer.GetSpan(HeaderBytes);
        writer.Advance(HeaderBytes);
        serializer.Serialize(value, writer);
        var header = MemoryMarshal.AsMemory(writer.WrittenMemory).Span.Slice(start, HeaderBytes);
        BinaryPrimitives.WriteInt32LittleEndian(header, writer.WrittenCount - start - HeaderBytes);
        BinaryPrimitives.WriteInt64LittleEndian(header[4..], id);
    }

    /// <summary>
    /// Hands each frame <paramref name="reader"/> gives to <paramref name="onFrame"/>, in order, one at a time (the next is
    /// not read while it runs), until the peer ends the stream (true) or a header announces more than
    /// <paramref name="maxBodyBytes"/> (false). The body is valid only until <paramref name="onFrame"/> completes.
    /// </summary>
    public static async Task<bool> ReadAsync(PipeReader reader, int maxBodyBytes, Func<long, ReadOnlySequence<byte>, ValueTask> onFrame,
        CancellationToken cancellation)
    {
        while (true)
        {
            var read = await reader.ReadAsync(cancellation);
            var buffer = read.Buffer;
            while (true)
            {
                var status = TryRead(ref buffer, maxBodyBytes, out var id, out var body);
                if (status == EventLinkRead.NeedMore) break;
                if (status == EventLinkRead.TooLarge) return false;
                await onFrame(id, body);
            }
            if (read.IsCompleted) return true;
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Takes the first frame off <paramref name="buffer"/> when it is whole; a header announcing more than
    /// <paramref name="maxBodyBytes"/> (or a negative length) is <see cref="EventLinkRead.TooLarge"/> before its body is read.
    /// </summary>
    public static EventLinkRead TryRead(ref ReadOnlySequence<byte> buffer, int maxBodyBytes, out long id, out ReadOnlySequence<byte> body)
    {
        id = 0;
        body = default;
        if (buffer.Length < HeaderBytes) return EventLinkRead.NeedMore;
        Span<byte> header = stackalloc byte[HeaderBytes];
        buffer.Slice(0, HeaderBytes).CopyTo(header);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < 0 || length > maxBodyBytes) return EventLinkRead.TooLarge;
        if (buffer.Length < HeaderBytes + (long)length) return EventLinkRead.NeedMore;
        id = BinaryPrimitives.ReadInt64LittleEndian(header[4..]);
        body = buffer.Slice(HeaderBytes, length);
        buffer = buffer.Slice(HeaderBytes + (long)length);
        return EventLinkRead.Frame;
    }
}
