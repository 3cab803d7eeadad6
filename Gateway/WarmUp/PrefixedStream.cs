namespace OrleansSocket.Gateway.WarmUp;

/// <summary>
/// A stream that reads <c>prefix</c> first and then <c>inner</c>, and writes to <c>inner</c>: the bytes a handshake
/// read past its response head belong to the WebSocket that takes the stream over.
/// </summary>
internal sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
{
    private int _prefixRead;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return inner.Read(buffer);
        return TakePrefix(buffer) is var taken and > 0 ? taken : inner.Read(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return inner.ReadAsync(buffer, cancellationToken);
        return TakePrefix(buffer.Span) is var taken and > 0 ? ValueTask.FromResult(taken) : inner.ReadAsync(buffer, cancellationToken);
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Copies what is left of the prefix into <paramref name="buffer"/>; 0 once it is all read.</summary>
    private int TakePrefix(Span<byte> buffer)
    {
        var left = prefix.AsSpan(_prefixRead);
        if (left.IsEmpty) return 0;
        var count = Math.Min(left.Length, buffer.Length);
        left[..count].CopyTo(buffer);
        _prefixRead += count;
        return count;
    }
}
