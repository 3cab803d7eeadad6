using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace OrleansSocket.Gateway.EngineIO.Takeover;

/// <summary>
/// A connection's pipe as the stream a <see cref="System.Net.WebSockets.WebSocket"/> runs on. A zero-byte read waits
/// for data without taking any (the WebSocket's idle receive). Disposing wakes a pending read or flush; the pipe
/// itself is completed by the connection's owner.
/// </summary>
internal sealed class DuplexPipeStream : Stream, IValueTaskSource<int>
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Action _onRead;
    private ManualResetValueTaskSourceCore<int> _read;
    private ValueTaskAwaiter<ReadResult> _pending;
    private Memory<byte> _destination;
    private int _disposed;

    public DuplexPipeStream(IDuplexPipe pipe)
    {
        _input = pipe.Input;
        _output = pipe.Output;
        _onRead = OnRead;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <remarks>
    /// One read at a time, as a WebSocket reads: a read that waits completes this stream's own
    /// <see cref="IValueTaskSource{TResult}"/> rather than an allocated state machine, so an idle socket's pending
    /// read holds nothing of its own. The token is not passed to the pipe: the WebSocket aborts on it, and an abort
    /// disposes this stream, which cancels the read.
    /// </remarks>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = _input.ReadAsync(CancellationToken.None);
        if (read.IsCompleted) return new(Take(read.GetAwaiter().GetResult(), buffer.Span));
        _destination = buffer;
        _read.Reset();
        _pending = read.GetAwaiter();
        _pending.UnsafeOnCompleted(_onRead);
        return new ValueTask<int>(this, _read.Version);
    }

    private void OnRead()
    {
        var destination = _destination;
        var pending = _pending;
        _destination = default;
        _pending = default;
        int count;
        try
        {
            count = Take(pending.GetResult(), destination.Span);
        }
        catch (Exception ex)
        {
            _read.SetException(ex);
            return;
        }
        _read.SetResult(count);
    }

    private int Take(ReadResult result, Span<byte> destination)
    {
        if (result.IsCanceled) throw new OperationCanceledException("The connection's read was canceled.");
        var source = result.Buffer;
        var count = (int)Math.Min(source.Length, destination.Length);
        source.Slice(0, count).CopyTo(destination);
        // Nothing taken (a zero-byte read, or the end): the next read returns at once with what is there.
        _input.AdvanceTo(source.GetPosition(count));
        return count;
    }

    int IValueTaskSource<int>.GetResult(short token) => _read.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _read.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _read.OnCompleted(continuation, state, token, flags);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, default).GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var flush = await _output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (flush.IsCanceled) throw new OperationCanceledException("The connection's write was canceled.");
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, default).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask; // every write is flushed

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // An aborted WebSocket disposes its stream: its pending read or stuck write must return.
            _input.CancelPendingRead();
            _output.CancelPendingFlush();
        }
        base.Dispose(disposing);
    }
}
