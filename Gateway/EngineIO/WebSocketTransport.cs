using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using OrleansSocket.Gateway.EngineIO.Takeover;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// One WebSocket carrying an Engine.IO session: every packet its own message. The receive loop runs on the
/// request; a writer task drains the session queue once this socket is the session's transport. A connection's
/// own packet (an ack) queued while the writer waits with nothing queued is sent by the queuing thread itself
/// (<see cref="SendInline"/>); the writer takes over again when that send pends or more is queued meanwhile.
/// All sends (writer, inline, probe answer, close) go through one lock, as a WebSocket allows one send at a time.
/// </summary>
internal sealed class WebSocketTransport : EngineTransport, IDisposable
{
    /// <summary>Below this, "4" and the payload are copied into one frame; above, they go as two fragments of one message.</summary>
    private const int CoalesceLimit = 4096;
    private const int InitialReceiveBuffer = 4096;
    /// <summary>How long the peer has to answer our close frame (or a stuck send to finish) before the socket is aborted.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private static readonly byte[] TypeDigits = "0123456"u8.ToArray();
    private static readonly byte[] ProbeAnswer = "3probe"u8.ToArray();
    private static readonly byte[] V3BinaryPrefix = [(byte)EnginePacketType.Message];

    private readonly WebSocket _socket;
    private readonly EngineSession _session;
    private readonly EngineCodec _codec;
    private readonly int _maxMessage;
    private readonly BinaryMessageForm _binaryForm; // v3: base64 text when this socket's request asked for b64=1
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _abort; // cancels (and so aborts) the socket
    private readonly WakeSignal _wake = new();
    private readonly List<QueuedPacket> _batch = [];
    private readonly List<QueuedPacket> _inlineBatch = [];
    private Task? _writer;
    // Who may send queued packets, guarded by the session's lock: the writer task, or (while it waits holding
    // nothing) one queuing thread at a time.
    private bool _writerIdle;
    private bool _sendingInline;
    private TaskCompletionSource? _inlineEnded; // what the end of the socket waits on while an inline send runs
    private ITimer? _closeTimer; // aborts the socket when the peer does not finish the close in time
    private int _closing;
    // Completes once the close frame is written (or the socket is gone): every caller of CloseAsync waits for it, not
    // only the first, or the request could end, and its connection close, before the frame was out.
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;

    public WebSocketTransport(WebSocket socket, EngineSession session, bool supportsBinary, CancellationToken requestAborted)
    {
        _socket = socket;
        _session = session;
        _codec = session.Codec;
        _maxMessage = session.Options.MaxHttpBufferSize;
        _binaryForm = _codec.BinaryForm(supportsBinary);
        _abort = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
    }

    public override string Name => EngineServer.WebSocketName;

    /// <summary>Always: a packet queued now is written as soon as the writer gets to it.</summary>
    public override bool IsWritable => true;

    public override void Wake() => _wake.Set();

    /// <summary>
    /// The writer sees the end and closes the socket; closing starts here too, as the writer may be stuck in a send
    /// the client does not read: the close then aborts that send after its timeout, releasing what it holds.
    /// </summary>
    public override void Close()
    {
        Wake();
        BeginClose();
    }

    /// <summary>Starts draining the session queue onto this socket (it is now the session's transport).</summary>
    public void StartWriter() => _writer ??= Task.Run(WriteLoopAsync);

    /// <summary>Runs the socket to its end: receives until closed, then finishes the close, the writer and an inline send.</summary>
    public async Task RunAsync()
    {
        var reason = await ReceiveLoopAsync();
        _session.OnTransportClosed(this, reason);
        await CloseAsync();
        if (_writer is not null)
        {
            try
            {
                await _writer;
            }
            catch (Exception)
            {
                // the writer reports its own failures to the session
            }
        }
        // Closing, so no inline send starts any more; one still running ends by itself (sent, failed, or aborted by
        // the close timer) before the socket is disposed.
        await _session.InlineSendEnded(this);
    }

    // ---------------- inline sends (the ownership below is guarded by the session's lock) ----------------

    /// <summary>Where the session puts the unit an inline sender sends (one sender at a time uses it).</summary>
    internal List<QueuedPacket> InlineBatch => _inlineBatch;

    internal bool IsSendingInlineLocked => _sendingInline;

    /// <summary>Whether the writer waits holding nothing (read without the lock: for tests that need it parked).</summary>
    internal bool IsWriterIdle => Volatile.Read(ref _writerIdle);

    /// <summary>The writer waits holding nothing (true), or has taken packets to send (false).</summary>
    internal void SetWriterIdleLocked(bool idle) => _writerIdle = idle;

    /// <summary>
    /// True when the calling thread may send now: the writer is started and waits holding nothing, no other inline
    /// send runs, and the socket is not closing. Before the writer's first wait (a socket just attached, or an
    /// upgrade still handing over from polling) nothing is sent inline.
    /// </summary>
    internal bool TryClaimInlineLocked()
    {
        if (!_writerIdle || _sendingInline || Volatile.Read(ref _closing) != 0) return false;
        _sendingInline = true;
        return true;
    }

    internal void EndInlineLocked()
    {
        _sendingInline = false;
        _inlineEnded?.TrySetResult();
        _inlineEnded = null;
    }

    /// <summary>Completes when no inline send runs (at once when none does).</summary>
    internal Task InlineSendEndedLocked() =>
        !_sendingInline ? Task.CompletedTask
            : (_inlineEnded ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>
    /// Sends the claimed unit (<see cref="InlineBatch"/>) on the calling thread. A send that does not complete
    /// synchronously goes on in a continuation, which then hands the socket back to the writer; the writer waits
    /// meanwhile, so packets keep their order.
    /// </summary>
    internal void SendInline()
    {
        long written = 0;
        for (var i = 0; i < _inlineBatch.Count; i++)
        {
            var send = SendPacketAsync(_inlineBatch[i]);
            if (!send.IsCompletedSuccessfully)
            {
                if (written != 0) _session.ReleaseWritten(written);
                _ = FinishInlineAsync(send, i); // reports its own failure, and always ends the inline send
                return;
            }
            written += _inlineBatch[i].Data.Length;
            _inlineBatch[i] = default;
        }
        _inlineBatch.Clear();
        _session.EndInlineSend(this, written); // the bytes are released under the same lock
    }

    private async Task FinishInlineAsync(Task pending, int index)
    {
        // Not on the scheduler of the thread that started the send (a broadcast's may be Orleans' stream delivery).
        try
        {
            await pending.ConfigureAwait(false);
            Written(_inlineBatch, index);
            for (var i = index + 1; i < _inlineBatch.Count; i++)
            {
                await SendPacketAsync(_inlineBatch[i]).ConfigureAwait(false);
                Written(_inlineBatch, i);
            }
        }
        catch (Exception)
        {
            _session.Terminate(EngineCloseReason.TransportError);
            await CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            // What was not written (the send failed) is no longer held either.
            long unwritten = 0;
            foreach (var packet in _inlineBatch) unwritten += packet.Data.Length;
            _inlineBatch.Clear();
            _session.EndInlineSend(this, unwritten);
        }
    }

    /// <summary>Sent: the payload is no longer held here, so it stops counting against the session's bound.</summary>
    private void Written(List<QueuedPacket> batch, int index)
    {
        var packet = batch[index];
        batch[index] = default;
        if (!packet.Data.IsEmpty) _session.ReleaseWritten(packet.Data.Length);
    }

    private async Task<EngineCloseReason> ReceiveLoopAsync()
    {
        // No buffer is held between messages: an idle socket waits with a zero-byte receive (it completes once a
        // frame has arrived, with nothing consumed), and only then rents one for the message.
        byte[]? buffer = null;
        var length = 0;
        try
        {
            while (true)
            {
                Memory<byte> message;
                bool isBinary;
                if (buffer is null)
                {
                    var first = await _socket.ReceiveAsync(Memory<byte>.Empty, _abort.Token);
                    if (first.MessageType == WebSocketMessageType.Close) return EngineCloseReason.TransportClose;
                    if (!first.EndOfMessage)
                    {
                        buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
                        continue;
                    }
                    message = Memory<byte>.Empty; // an empty message
                    isBinary = first.MessageType == WebSocketMessageType.Binary;
                }
                else
                {
                    if (length == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, _maxMessage + 1L));
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    var result = await _socket.ReceiveAsync(buffer.AsMemory(length), _abort.Token);
                    if (result.MessageType == WebSocketMessageType.Close) return EngineCloseReason.TransportClose;
                    length += result.Count;
                    if (length > _maxMessage)
                    {
                        // Like ws's maxPayload: close with 1009, having buffered no more than the limit (+1).
                        _closeStatus = WebSocketCloseStatus.MessageTooBig;
                        return EngineCloseReason.TransportError;
                    }
                    if (!result.EndOfMessage) continue;
                    message = buffer.AsMemory(0, length);
                    isBinary = result.MessageType == WebSocketMessageType.Binary;
                }

                // Each message is one packet, decoded by the revision's codec; the session may make the loop wait for room.
                var status = _codec.DecodeMessage(message, isBinary, out var packet);
                await _session.OnPacketAsync(this, status, packet);
                if (buffer is not null)
                {
                    length = 0;
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        catch (Exception)
        {
            return EngineCloseReason.TransportError; // reset, aborted, or protocol violation
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            while (true)
            {
                switch (_session.TakeForWebSocket(this, _batch))
                {
                    case WriterStep.Stop:
                        await CloseAsync();
                        return;
                    case WriterStep.Wait:
                        await _wake.WaitAsync(_abort.Token);
                        continue;
                }
                for (var i = 0; i < _batch.Count; i++)
                {
                    var packet = _batch[i];
                    if (packet.Type == EnginePacketType.Close)
                    {
                        // A graceful close over WebSocket ends with the close frame, not a close packet (as in Node).
                        _session.Terminate(EngineCloseReason.ForcedClose);
                        await CloseAsync();
                        return;
                    }
                    await SendPacketAsync(packet);
                    Written(_batch, i);
                }
                _batch.Clear();
            }
        }
        catch (Exception)
        {
            _session.Terminate(EngineCloseReason.TransportError);
            await CloseAsync();
        }
        finally
        {
            _batch.Clear();
        }
    }

    /// <remarks>Its awaits resume on the thread pool: an inline send may start on a scheduler that is not ours.</remarks>
    private async Task SendPacketAsync(QueuedPacket packet)
    {
        await _sendLock.WaitAsync(_abort.Token).ConfigureAwait(false);
        try
        {
            var token = _abort.Token;
            var data = packet.Data;
            if (packet.IsBinary)
            {
                switch (_binaryForm)
                {
                    case BinaryMessageForm.Raw:
                        await _socket.SendAsync(data, WebSocketMessageType.Binary, true, token).ConfigureAwait(false);
                        break;
                    case BinaryMessageForm.TypePrefixed:
                        await SendPrefixedAsync(V3BinaryPrefix, data, WebSocketMessageType.Binary, token).ConfigureAwait(false);
                        break;
                    default:
                        await SendV3Base64Async(packet, token).ConfigureAwait(false);
                        break;
                }
            }
            else
            {
                await SendPrefixedAsync(TypeDigits.AsMemory((int)packet.Type, 1), data, WebSocketMessageType.Text, token).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// One message of prefix + data. On <see cref="PipeWebSocket"/> both are copied into the connection's buffer as one
    /// frame. On <c>ManagedWebSocket</c> (a socket on an upgraded request): as it is when the prefix already precedes
    /// the data in its array (the Socket.IO encoder leaves it there); else copied into one frame when small, or two
    /// fragments (no copy of the payload).
    /// </summary>
    private async ValueTask SendPrefixedAsync(ReadOnlyMemory<byte> prefix, ReadOnlyMemory<byte> data, WebSocketMessageType type, CancellationToken token)
    {
        if (_socket is PipeWebSocket framed)
        {
            // Framed on the connection's pipe: the prefix and the data are copied into its buffer, not joined first.
            await framed.SendAsync(prefix, data, type, true, token).ConfigureAwait(false);
            return;
        }
        if (MemoryMarshal.TryGetArray(data, out var segment) && segment.Offset >= prefix.Length
            && segment.Array.AsSpan(segment.Offset - prefix.Length, prefix.Length).SequenceEqual(prefix.Span))
        {
            await _socket.SendAsync(segment.Array.AsMemory(segment.Offset - prefix.Length, prefix.Length + segment.Count), type, true, token).ConfigureAwait(false);
            return;
        }
        if (data.Length <= CoalesceLimit)
        {
            // Rented per send, not kept: an idle socket holds no send buffer.
            var size = prefix.Length + data.Length;
            var scratch = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                prefix.Span.CopyTo(scratch);
                data.Span.CopyTo(scratch.AsSpan(prefix.Length));
                await _socket.SendAsync(scratch.AsMemory(0, size), type, true, token).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
            return;
        }
        await _socket.SendAsync(prefix, type, false, token).ConfigureAwait(false);
        await _socket.SendAsync(data, type, true, token).ConfigureAwait(false);
    }

    /// <summary>v3 client that cannot take binary frames (b64=1): "b4" + base64 as text.</summary>
    private async ValueTask SendV3Base64Async(QueuedPacket packet, CancellationToken token)
    {
        var length = 2 + PayloadWriting.Base64Length(packet.Data.Length);
        var writer = new ArrayBufferWriter<byte>(length);
        PayloadCodecV3.WriteTextPacket(writer, packet);
        await _socket.SendAsync(writer.WrittenMemory, WebSocketMessageType.Text, true, token).ConfigureAwait(false);
    }

    /// <summary>Answers the upgrade probe ("2probe") directly on this socket, ahead of the session queue.</summary>
    public async ValueTask SendProbeAnswerAsync()
    {
        await _sendLock.WaitAsync(_abort.Token);
        try
        {
            await _socket.SendAsync(ProbeAnswer, WebSocketMessageType.Text, true, _abort.Token);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Starts closing without waiting (from timers and the session).</summary>
    public void BeginClose() => _ = CloseAsync();

    /// <summary>
    /// Sends the close frame once; the peer then has <see cref="CloseTimeout"/> to answer before the socket is aborted.
    /// Completes when the frame is written, for every caller (the first sends it).
    /// </summary>
    public Task CloseAsync() => Interlocked.Exchange(ref _closing, 1) != 0 ? _closed.Task : SendCloseAsync();

    private async Task SendCloseAsync()
    {
        try
        {
            _closeTimer = _session.Time.CreateTimer(static s => ((WebSocketTransport)s!).Abort(), this, CloseTimeout, Timeout.InfiniteTimeSpan);
            try
            {
                await _sendLock.WaitAsync(_abort.Token);
            }
            catch (OperationCanceledException)
            {
                return; // a send was stuck until the abort above (or the client left): the socket is aborted
            }
            try
            {
                if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    await _socket.CloseOutputAsync(_closeStatus, null, _abort.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception)
        {
            // the socket is gone already; nothing left to close
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    private void Abort()
    {
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the request is over already
        }
    }

    /// <summary>Called once the socket's request is over (receive loop and writer both finished).</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _closing, 1); // no close timer after this
        _closed.TrySetResult();
        _closeTimer?.Dispose();
        _abort.Dispose();
        _sendLock.Dispose();
    }
}
