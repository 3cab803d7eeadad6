using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace OrleansSocket.Gateway.EngineIO.Takeover;

/// <summary>
/// A server's WebSocket (RFC 6455, no extension or subprotocol) framed straight on its connection's pipe. A message
/// is read from the pipe's buffer into the caller's and unmasked there, and a frame is written into the pipe's buffer
/// with its header, so a message is copied once each way; .NET's <c>ManagedWebSocket</c> over a
/// stream copies it through a buffer of its own as well. What a server must check is checked: masked client frames,
/// no reserved bits, whole control frames of at most 125 bytes, fragments in order, UTF-8 text, valid close codes;
/// a breach fails the socket with its close code (1002, 1007), as ManagedWebSocket does.
/// </summary>
/// <remarks>
/// <para>One receive at a time, and sends one at a time (a lock, which pongs to a client's pings also take). The pipe is
/// completed by the connection's owner, not here; <see cref="Abort"/> and <see cref="Dispose"/> wake a pending
/// receive or send.</para>
/// <para>Given the connection's <see cref="Socket"/> (a plain TCP connection whose pipe is Kestrel's own), a frame is
/// sent on it at once from the sending thread, without the pipe: Kestrel's send loop would otherwise wake up for every
/// frame, as a work item of its own, to make the same <c>send</c>. The socket is non-blocking; the first frame the
/// kernel does not take whole (a client that does not read, a full send buffer) goes, from its first unsent byte,
/// into the pipe, and so does every frame after it, so the bytes keep their order and the pipe's back-pressure applies
/// as before.</para>
/// </remarks>
internal sealed class PipeWebSocket(IDuplexPipe connection, Socket? socket = null) : WebSocket
{
    /// <summary>Frames up to this size are written with their header into one span of the pipe's buffer.</summary>
    private const int OneSpanLimit = 2048;

    private readonly PipeReader _input = connection.Input;
    private readonly PipeWriter _output = connection.Output;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    // Frames go straight to the socket while set; null for good once one had to go through the pipe.
    private Socket? _direct = NonBlocking(socket);
    private int _state = (int)WebSocketState.Open;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeDescription;

    // The data frame being received: its header is read, and _frameRemaining bytes of its payload are not.
    private bool _frameOpen;
    private bool _frameFin;
    private long _frameRemaining;
    private int _mask;
    private int _maskIndex;

    // The message being received.
    private bool _inMessage;
    private WebSocketMessageType _messageType;
    private Utf8MessageValidator _utf8;

    // The message being sent was not ended by its last frame: the next frame continues it.
    private bool _sendingFragments;

    /// <inheritdoc/>
    public override WebSocketCloseStatus? CloseStatus => _closeStatus;

    /// <summary>
    /// Sends the handshake's answer (the 101), ahead of every frame and the same way; false when the connection ended
    /// before it went.
    /// </summary>
    internal async ValueTask<bool> OpenAsync(ReadOnlyMemory<byte> response, CancellationToken cancellationToken)
    {
        if (!SendOrWrite(response.Span)) return true;
        var flush = await _output.FlushAsync(cancellationToken);
        return !flush.IsCanceled && !flush.IsCompleted;
    }

    /// <inheritdoc/>
    public override string? CloseStatusDescription => _closeDescription;

    /// <inheritdoc/>
    public override WebSocketState State => (WebSocketState)Volatile.Read(ref _state);

    /// <inheritdoc/>
    public override string? SubProtocol => null;

    /// <inheritdoc/>
    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await ReceiveAsync(buffer.AsMemory(), cancellationToken);
        return result.MessageType == WebSocketMessageType.Close
            ? new WebSocketReceiveResult(0, WebSocketMessageType.Close, true, _closeStatus, _closeDescription)
            : new WebSocketReceiveResult(result.Count, result.MessageType, result.EndOfMessage);
    }

    /// <summary>
    /// Receives the next part of a message: at most the rest of one frame, as much as <paramref name="buffer"/> takes
    /// and has arrived. An empty buffer waits for a data frame's header and takes nothing of its payload. Pings are
    /// answered and pongs dropped on the way; a close frame is returned as <see cref="WebSocketMessageType.Close"/>.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (State is not (WebSocketState.Open or WebSocketState.CloseSent)) throw InvalidState("receive");
        try
        {
            while (!_frameOpen)
            {
                var read = await _input.ReadAsync(cancellationToken);
                var data = read.Buffer;
                if (read.IsCanceled) throw Aborted();
                var status = FrameHeader.TryRead(data, out var header, out var size);
                if (status == FrameHeaderStatus.Incomplete || (status == FrameHeaderStatus.Read && header.IsControl && data.Length < size + header.Length))
                {
                    _input.AdvanceTo(data.Start, data.End);
                    if (read.IsCompleted) throw EndedEarly();
                    continue;
                }
                if (status == FrameHeaderStatus.Invalid)
                {
                    _input.AdvanceTo(data.Start);
                    throw await FailAsync(WebSocketCloseStatus.ProtocolError, "The frame's header breaks RFC 6455.", cancellationToken);
                }
                if (header.IsControl)
                {
                    var payload = new byte[header.Length]; // at most 125 bytes, and rare
                    data.Slice(size, payload.Length).CopyTo(payload);
                    _input.AdvanceTo(data.GetPosition(size + payload.Length));
                    FrameMask.Apply(payload, header.Mask, 0);
                    if (header.Opcode == FrameOpcode.Ping && State == WebSocketState.Open)
                        await SendControlAsync(FrameOpcode.Pong, payload, cancellationToken);
                    if (header.Opcode != FrameOpcode.Close) continue;
                    if (!TryReadClose(payload))
                        throw await FailAsync(WebSocketCloseStatus.ProtocolError, "The close frame's payload is invalid.", cancellationToken);
                    Move(WebSocketState.CloseReceived);
                    return new ValueWebSocketReceiveResult(0, WebSocketMessageType.Close, true);
                }
                if ((header.Opcode == FrameOpcode.Continuation) != _inMessage)
                {
                    _input.AdvanceTo(data.Start);
                    throw await FailAsync(WebSocketCloseStatus.ProtocolError, "A fragment is out of order.", cancellationToken);
                }
                if (!_inMessage)
                {
                    _inMessage = true;
                    _messageType = header.Opcode == FrameOpcode.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
                    _utf8.Reset();
                }
                _input.AdvanceTo(data.GetPosition(size));
                (_frameOpen, _frameFin, _frameRemaining, _mask, _maskIndex) = (true, header.Fin, header.Length, header.Mask, 0);
            }

            var count = 0;
            if (_frameRemaining > 0)
            {
                if (buffer.IsEmpty) return new ValueWebSocketReceiveResult(0, _messageType, false);
                var read = await _input.ReadAsync(cancellationToken);
                var data = read.Buffer;
                if (read.IsCanceled) throw Aborted();
                if (data.IsEmpty)
                {
                    _input.AdvanceTo(data.Start);
                    throw EndedEarly();
                }
                count = (int)Math.Min(Math.Min(data.Length, _frameRemaining), buffer.Length);
                data.Slice(0, count).CopyTo(buffer.Span);
                _input.AdvanceTo(data.GetPosition(count));
                var part = buffer.Span[..count];
                _maskIndex = FrameMask.Apply(part, _mask, _maskIndex);
                _frameRemaining -= count;
                if (_messageType == WebSocketMessageType.Text && !_utf8.Append(part))
                    throw await FailAsync(WebSocketCloseStatus.InvalidPayloadData, "The text message is not UTF-8.", cancellationToken);
                if (_frameRemaining > 0) return new ValueWebSocketReceiveResult(count, _messageType, false);
            }
            _frameOpen = false;
            if (!_frameFin) return new ValueWebSocketReceiveResult(count, _messageType, false);
            _inMessage = false;
            if (_messageType == WebSocketMessageType.Text && !_utf8.IsComplete)
                throw await FailAsync(WebSocketCloseStatus.InvalidPayloadData, "The text message is not UTF-8.", cancellationToken);
            return new ValueWebSocketReceiveResult(count, _messageType, true);
        }
        catch (OperationCanceledException)
        {
            Abort();
            throw;
        }
    }

    /// <inheritdoc/>
    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        SendAsync(buffer.AsMemory(), messageType, endOfMessage, cancellationToken).AsTask();

    /// <inheritdoc/>
    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        SendAsync(ReadOnlyMemory<byte>.Empty, buffer, messageType, endOfMessage, cancellationToken);

    /// <summary>
    /// Sends <paramref name="prefix"/> then <paramref name="data"/> as one frame, both copied straight into the pipe's
    /// buffer (an Engine.IO packet's type digit before its payload, with no copy to join them first).
    /// </summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> prefix, ReadOnlyMemory<byte> data, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        if (messageType is not (WebSocketMessageType.Text or WebSocketMessageType.Binary))
            throw new ArgumentException("Only text and binary messages are sent this way.", nameof(messageType));
        if (!_sendLock.Wait(0)) return SendWhenFreeAsync(prefix, data, messageType, endOfMessage, cancellationToken);
        ValueTask<FlushResult> flush;
        try
        {
            if (State is not (WebSocketState.Open or WebSocketState.CloseReceived)) throw InvalidState("send");
            if (!WriteData(prefix.Span, data.Span, messageType, endOfMessage))
            {
                _sendLock.Release();
                return ValueTask.CompletedTask;
            }
            flush = _output.FlushAsync(cancellationToken);
            if (flush.IsCompletedSuccessfully)
            {
                _sendLock.Release();
                return Flushed(flush.Result) is { } failed ? ValueTask.FromException(failed) : ValueTask.CompletedTask;
            }
        }
        catch (Exception e)
        {
            _sendLock.Release();
            return ValueTask.FromException(e);
        }
        return FinishFlushAsync(flush);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendWhenFreeAsync(ReadOnlyMemory<byte> prefix, ReadOnlyMemory<byte> data, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (State is not (WebSocketState.Open or WebSocketState.CloseReceived)) throw InvalidState("send");
            if (WriteData(prefix.Span, data.Span, messageType, endOfMessage) && Flushed(await _output.FlushAsync(cancellationToken)) is { } failed)
                throw failed;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Waits for a flush that did not complete at once, holding the send lock until it does.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FinishFlushAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            if (Flushed(await flush) is { } failed) throw failed;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends or writes a data frame; true when bytes of it are in the pipe, to be flushed.</summary>
    private bool WriteData(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> data, WebSocketMessageType messageType, bool endOfMessage)
    {
        var opcode = _sendingFragments ? FrameOpcode.Continuation : messageType == WebSocketMessageType.Text ? FrameOpcode.Text : FrameOpcode.Binary;
        _sendingFragments = !endOfMessage;
        return WriteFrame(opcode, endOfMessage, prefix, data);
    }

    /// <summary>Sends a frame on the socket, or writes it (or what the socket did not take of it) into the pipe; true
    /// when bytes of it are in the pipe, to be flushed.</summary>
    private bool WriteFrame(FrameOpcode opcode, bool fin, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> data)
    {
        if (_direct is null)
        {
            WriteFrameToPipe(opcode, fin, prefix, data);
            return true;
        }
        var length = prefix.Length + data.Length;
        var rented = length <= OneSpanLimit ? null : ArrayPool<byte>.Shared.Rent(FrameHeader.MaxSize + length);
        try
        {
            Span<byte> frame = rented is null ? stackalloc byte[FrameHeader.MaxSize + OneSpanLimit] : rented;
            var size = FrameHeader.Write(frame, fin, opcode, length);
            prefix.CopyTo(frame[size..]);
            data.CopyTo(frame[(size + prefix.Length)..]);
            return SendOrWrite(frame[..(size + length)]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The socket's own receive and send loops are asynchronous and unaffected; this makes the sends here return at once
    /// with what the kernel took, instead of waiting for room. Null when the connection has ended already.
    /// </summary>
    private static Socket? NonBlocking(Socket? socket)
    {
        if (socket is null) return null;
        try
        {
            socket.Blocking = false;
            return socket;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Sends bytes on the socket while it takes them whole; from the first it does not (WouldBlock: a client that does
    /// not read, a full send buffer; or a failure), the rest and everything after it go through the pipe, whose
    /// send loop then meets the same state of the socket (it waits for room, or ends the connection). True when bytes
    /// are in the pipe, to be flushed.
    /// </summary>
    private bool SendOrWrite(ReadOnlySpan<byte> bytes)
    {
        if (_direct is not null)
        {
            int sent;
            SocketError error;
            try
            {
                sent = _direct.Send(bytes, SocketFlags.None, out error);
            }
            catch (ObjectDisposedException)
            {
                // The connection ended: the pipe's flush finds it completed.
                (sent, error) = (0, SocketError.OperationAborted);
            }
            if (error == SocketError.Success && sent == bytes.Length) return false;
            _direct = null;
            bytes = bytes[Math.Max(sent, 0)..];
        }
        _output.Write(bytes);
        return true;
    }

    private void WriteFrameToPipe(FrameOpcode opcode, bool fin, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> data)
    {
        var length = prefix.Length + data.Length;
        var span = _output.GetSpan(FrameHeader.MaxSize + (length <= OneSpanLimit ? length : 0));
        var size = FrameHeader.Write(span, fin, opcode, length);
        if (span.Length - size >= length)
        {
            prefix.CopyTo(span[size..]);
            data.CopyTo(span[(size + prefix.Length)..]);
            _output.Advance(size + length);
            return;
        }
        _output.Advance(size);
        _output.Write(prefix);
        _output.Write(data);
    }

    /// <summary>What a flush's result means for the send: null when it went out (or is on its way).</summary>
    private Exception? Flushed(FlushResult result)
    {
        if (result.IsCanceled) return Aborted();
        return result.IsCompleted ? EndedEarly() : null;
    }

    private async ValueTask SendControlAsync(FrameOpcode opcode, byte[] payload, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
            if (opcode == FrameOpcode.Close) Move(WebSocketState.CloseSent);
            if (WriteFrame(opcode, true, payload, default) && Flushed(await _output.FlushAsync(cancellationToken)) is { } failed) throw failed;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <inheritdoc/>
    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        if (State is WebSocketState.Aborted or WebSocketState.None) throw InvalidState("close");
        var reason = Encoding.UTF8.GetBytes(statusDescription ?? "");
        if (reason.Length > 123) throw new ArgumentException("A close reason takes at most 123 bytes.", nameof(statusDescription));
        var payload = new byte[2 + reason.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)closeStatus);
        reason.CopyTo(payload, 2);
        return SendControlAsync(FrameOpcode.Close, payload, cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override async Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        await CloseOutputAsync(closeStatus, statusDescription, cancellationToken);
        var discard = ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            while (State == WebSocketState.CloseSent) await ReceiveAsync(discard.AsMemory(), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(discard);
        }
    }

    /// <summary>Ends the socket at once: a pending receive or send returns canceled.</summary>
    public override void Abort()
    {
        if (Exchange(WebSocketState.Aborted, unless: WebSocketState.Closed)) Wake();
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        if (Exchange(WebSocketState.Closed, unless: WebSocketState.Aborted)) Wake();
    }

    private void Wake()
    {
        _input.CancelPendingRead();
        _output.CancelPendingFlush();
    }

    /// <summary>Reads a client's close frame: empty, or a valid code and a UTF-8 reason.</summary>
    private bool TryReadClose(byte[] payload)
    {
        if (payload.Length == 0)
        {
            _closeStatus = WebSocketCloseStatus.Empty;
            return true;
        }
        if (payload.Length == 1) return false;
        var code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        var utf8 = default(Utf8MessageValidator);
        if (!IsValidCloseCode(code) || !utf8.Append(payload.AsSpan(2)) || !utf8.IsComplete) return false;
        _closeStatus = (WebSocketCloseStatus)code;
        _closeDescription = Encoding.UTF8.GetString(payload, 2, payload.Length - 2);
        return true;
    }

    /// <summary>The codes a peer may send (RFC 6455 section 7.4 and the IANA registry); 1005, 1006 and 1015 never go on the wire.</summary>
    private static bool IsValidCloseCode(int code) => code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);

    /// <summary>The client broke the protocol: it is sent the close frame with <paramref name="status"/>, and the socket is aborted.</summary>
    private async ValueTask<Exception> FailAsync(WebSocketCloseStatus status, string message, CancellationToken cancellationToken)
    {
        try
        {
            var payload = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)status);
            await SendControlAsync(FrameOpcode.Close, payload, cancellationToken);
        }
        catch (Exception)
        {
            // The client is gone or does not read: the socket is aborted all the same.
        }
        Abort();
        return new WebSocketException(WebSocketError.Faulted, message);
    }

    /// <summary>A close sent or received: Open moves to the one named, either of them to Closed.</summary>
    private void Move(WebSocketState closing)
    {
        while (true)
        {
            var current = Volatile.Read(ref _state);
            var next = current switch
            {
                (int)WebSocketState.Open => (int)closing,
                (int)WebSocketState.CloseSent or (int)WebSocketState.CloseReceived when current != (int)closing => (int)WebSocketState.Closed,
                _ => current,
            };
            if (next == current || Interlocked.CompareExchange(ref _state, next, current) == current) return;
        }
    }

    /// <summary>Moves to <paramref name="state"/> unless already there or in <paramref name="unless"/>; true when it moved.</summary>
    private bool Exchange(WebSocketState state, WebSocketState unless)
    {
        while (true)
        {
            var current = Volatile.Read(ref _state);
            if (current == (int)state || current == (int)unless) return false;
            if (Interlocked.CompareExchange(ref _state, (int)state, current) == current) return true;
        }
    }

    private WebSocketException InvalidState(string what) => new(WebSocketError.InvalidState, $"The WebSocket is {State}: it cannot {what}.");

    private WebSocketException EndedEarly()
    {
        Abort();
        return new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The connection ended without a close frame.");
    }

    private OperationCanceledException Aborted() => new("The WebSocket was aborted.");
}
