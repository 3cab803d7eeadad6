using System.IO.Pipelines;

namespace OrleansSocket.Gateway.EngineIO.Takeover;

/// <summary>
/// The connection's pipe as Kestrel's HTTP layer sees it while a <see cref="WebSocketTakeover"/> may still happen:
/// everything passes through until <see cref="Cut"/>. From then on the HTTP layer reads the end of the connection
/// (so it finishes and releases its request) and its writes (the response to the handshake request) go nowhere,
/// while the connection's own pipe, with whatever the client sent after the request, is left to the WebSocket.
/// </summary>
internal sealed class TakeoverGate : IDuplexPipe
{
    private readonly GateReader _reader;
    private readonly GateWriter _writer;

    public TakeoverGate(IDuplexPipe inner)
    {
        _reader = new GateReader(inner.Input);
        _writer = new GateWriter(inner.Output);
    }

    public PipeReader Input => _reader;

    public PipeWriter Output => _writer;

    /// <summary>Hands the connection over: the HTTP layer's next read ends, its writes are dropped.</summary>
    public void Cut()
    {
        _writer.Cut();
        _reader.Cut();
    }

    private sealed class GateReader(PipeReader inner) : PipeReader
    {
        private static readonly ReadResult Ended = new(default, isCanceled: false, isCompleted: true);
        private readonly Lock _lock = new();
        private bool _cut;
        private bool _pending; // a read of the inner pipe has started and not returned
        private bool _holding; // the HTTP layer has a buffer of the inner pipe it has not advanced past yet

        public void Cut()
        {
            bool cancel;
            lock (_lock)
            {
                _cut = true;
                cancel = _pending;
            }
            // A read the HTTP layer started before the cut must not take what the client sends next.
            if (cancel) inner.CancelPendingRead();
        }

        public override bool TryRead(out ReadResult result)
        {
            lock (_lock)
            {
                if (_cut)
                {
                    result = Ended;
                    return true;
                }
                if (!inner.TryRead(out result)) return false;
                _holding = true;
                return true;
            }
        }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            lock (_lock)
            {
                if (_cut) return new(Ended);
                _pending = true;
            }
            var read = inner.ReadAsync(cancellationToken);
            return read.IsCompletedSuccessfully ? new(Returned(read.Result)) : AwaitAsync(read);
        }

        private async ValueTask<ReadResult> AwaitAsync(ValueTask<ReadResult> read)
        {
            ReadResult result;
            try
            {
                result = await read.ConfigureAwait(false);
            }
            catch
            {
                lock (_lock) _pending = false;
                throw;
            }
            return Returned(result);
        }

        private ReadResult Returned(ReadResult result)
        {
            lock (_lock)
            {
                _pending = false;
                if (!_cut)
                {
                    _holding = true;
                    return result;
                }
            }
            // Cut meanwhile: nothing of it is consumed; it belongs to the WebSocket.
            inner.AdvanceTo(result.Buffer.Start);
            return Ended;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            lock (_lock)
            {
                if (!_holding) return; // the end it was given after the cut
                _holding = false;
            }
            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead()
        {
            lock (_lock)
                if (_cut) return;
            inner.CancelPendingRead();
        }

        public override void Complete(Exception? exception = null)
        {
            lock (_lock)
                if (_cut) return;
            inner.Complete(exception);
        }
    }

    private sealed class GateWriter(PipeWriter inner) : PipeWriter
    {
        // Where the HTTP layer's writes after the cut go: shared, as nobody reads them; not kept per connection.
        private static readonly byte[] DiscardBuffer = new byte[4096];
        private volatile bool _cut;

        public void Cut() => _cut = true;

        public override bool CanGetUnflushedBytes => !_cut && inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => _cut ? 0 : inner.UnflushedBytes;

        public override Memory<byte> GetMemory(int sizeHint = 0) => _cut ? Discard(sizeHint) : inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _cut ? Discard(sizeHint).Span : inner.GetSpan(sizeHint);

        public override void Advance(int bytes)
        {
            if (!_cut) inner.Advance(bytes);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
            _cut ? new(new FlushResult(isCanceled: false, isCompleted: false)) : inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush()
        {
            if (!_cut) inner.CancelPendingFlush();
        }

        public override void Complete(Exception? exception = null)
        {
            if (!_cut) inner.Complete(exception);
        }

        private static Memory<byte> Discard(int sizeHint) => sizeHint <= DiscardBuffer.Length ? DiscardBuffer : new byte[sizeHint];
    }
}
