using System.Buffers;
using System.IO.Pipelines;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>
/// The client's end of a test connection as the stream .NET's client WebSocket runs on, in tests of
/// <see cref="OrleansSocket.Gateway.EngineIO.Takeover.PipeWebSocket"/>. Disposing wakes a pending read or write.
/// </summary>
internal sealed class DuplexPipeStream(IDuplexPipe pipe) : Stream
{
    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await pipe.Input.ReadAsync(cancellationToken);
        if (read.IsCanceled) throw new OperationCanceledException("The test connection's read was canceled.");
        var count = (int)Math.Min(read.Buffer.Length, buffer.Length);
        read.Buffer.Slice(0, count).CopyTo(buffer.Span);
        pipe.Input.AdvanceTo(read.Buffer.GetPosition(count));
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var flush = await pipe.Output.WriteAsync(buffer, cancellationToken);
        if (flush.IsCanceled) throw new OperationCanceledException("The test connection's write was canceled.");
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask; // every write is flushed

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            pipe.Input.CancelPendingRead();
            pipe.Output.CancelPendingFlush();
        }
        base.Dispose(disposing);
    }
}
