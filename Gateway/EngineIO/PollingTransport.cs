using System.Buffers;
using System.Text.Unicode;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// HTTP long-polling for one session: a GET is held until there is something to send, a POST carries packets in.
/// One of each at a time; a second concurrent one is refused with 400 and ends the session, as in Node.
/// Its own state is guarded by its own lock, a leaf taken after the session's (which reads <see cref="IsWritable"/>).
/// </summary>
internal sealed class PollingTransport : EngineTransport
{
    private static readonly byte[] Ok = "ok"u8.ToArray();

    /// <summary>Flush the response this often while writing a large batch, so it streams instead of piling up.</summary>
    private const int FlushThreshold = 64 * 1024;

    private readonly EngineSession _session;
    private readonly EngineIOOptions _options;
    private readonly bool _supportsBinary; // v3: false when the handshake asked for b64=1

    // One pending wake-up at most: a stale one only makes the poll re-check the queue.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    private readonly List<QueuedPacket> _batch = []; // reused: only one GET is served at a time
    private readonly object _lock = new();
    private bool _getActive;
    private bool _getWaiting;
    private bool _postActive;

    public PollingTransport(EngineSession session, EngineIOOptions options, bool supportsBinary)
    {
        _session = session;
        _options = options;
        _supportsBinary = supportsBinary;
    }

    public override string Name => EngineServer.PollingName;

    /// <summary>A GET is parked waiting for packets: Node's "writable".</summary>
    public override bool IsWritable
    {
        get { lock (_lock) return _getWaiting; }
    }

    /// <summary>A GET is being served (parked or writing).</summary>
    internal bool IsGetActive
    {
        get { lock (_lock) return _getActive; }
    }

    /// <summary>Set by the session, under its lock, as it finds nothing to send a GET (or something).</summary>
    internal void SetWaiting(bool waiting)
    {
        lock (_lock) _getWaiting = waiting;
    }

    public override void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>A pending GET is answered with the session's close reply.</summary>
    public override void Close() => Wake();

    // ---------------- GET ----------------

    /// <summary>
    /// Serves one poll. The handshake poll carries only the open packet (what the application queues in OnOpen
    /// waits for the next poll, as in Node).
    /// </summary>
    public async Task HandleGetAsync(HttpContext context, bool isHandshake)
    {
        bool overlap;
        lock (_lock)
        {
            overlap = _getActive;
            _getActive = true;
        }
        if (overlap)
        {
            // Node: "overlap from client" → transport error; the pending poll is answered with a close packet.
            _session.Terminate(EngineCloseReason.TransportError);
            await EngineErrors.WriteHttpErrorAsync(context.Response, EngineErrors.BadRequest);
            return;
        }

        var terminateReason = (EngineCloseReason?)null;
        var released = false;
        try
        {
            var aborted = context.RequestAborted;
            while (true)
            {
                if (_session.TakeForPoll(this, _batch, isHandshake ? 1 : _options.MaxPacketsPerPoll)) break;
                try
                {
                    await _wake.Reader.ReadAsync(aborted);
                }
                catch (OperationCanceledException)
                {
                    // Node: "poll connection closed prematurely".
                    terminateReason = EngineCloseReason.TransportError;
                    return;
                }
            }

            var endsSession = _batch[^1].Type == EnginePacketType.Close;
            try
            {
                await WriteBatchAsync(context, _batch, ReleaseGet);
            }
            catch (Exception)
            {
                // The client left mid-response (or the write failed): what was taken is lost, so the session ends.
                terminateReason = EngineCloseReason.TransportError;
                return;
            }
            // A graceful close ends once its close packet went out.
            if (endsSession) terminateReason = EngineCloseReason.ForcedClose;
        }
        finally
        {
            if (!released) ReleaseGet();
            if (terminateReason is not null) _session.Terminate(terminateReason.Value);
        }

        // Once per GET. The next poll may arrive as soon as the client has the whole response, possibly on
        // another connection, before this handler has returned: it must not look like an overlapping poll.
        void ReleaseGet()
        {
            // Written to the response (or lost with it): no longer held for the client.
            long bytes = 0;
            foreach (var packet in _batch) bytes += packet.Data.Length;
            _session.ReleaseWritten(bytes);
            _batch.Clear();
            lock (_lock)
            {
                _getActive = false;
                _getWaiting = false;
            }
            released = true;
        }
    }

    /// <summary>
    /// Writes the batch as one payload. <paramref name="beforeFinalFlush"/> runs when every byte is in the response
    /// pipe but before the client can have all of it; it clears <paramref name="batch"/>.
    /// </summary>
    private async Task WriteBatchAsync(HttpContext context, List<QueuedPacket> batch, Action beforeFinalFlush)
    {
        var codec = _session.Codec;
        var binaryFraming = codec.UseBinaryFraming(batch, _supportsBinary);
        var length = codec.GetPayloadLength(batch, binaryFraming);

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = binaryFraming ? "application/octet-stream" : "text/plain; charset=UTF-8";
        response.ContentLength = length;
        SetCommonHeaders(context);

        var writer = response.BodyWriter;
        for (var i = 0; i < batch.Count; i++)
        {
            var packet = batch[i];
            codec.WritePayloadPacket(writer, packet, i, binaryFraming);
            // Partial flushes are safe: the client cannot act on a response it has not fully received.
            if (writer.UnflushedBytes > FlushThreshold) await writer.FlushAsync(context.RequestAborted);
        }
        beforeFinalFlush();
        await writer.FlushAsync(context.RequestAborted);
    }

    // ---------------- POST ----------------

    public async Task HandlePostAsync(HttpContext context)
    {
        bool overlap;
        lock (_lock)
        {
            overlap = _postActive;
            _postActive = true;
        }
        if (overlap)
        {
            // Node: "data request overlap from client".
            _session.Terminate(EngineCloseReason.TransportError);
            await EngineErrors.WriteHttpErrorAsync(context.Response, EngineErrors.BadRequest);
            return;
        }

        byte[]? body = null;
        var released = false;
        try
        {
            var request = context.Request;
            var binaryFraming = IsOctetStream(request.ContentType);
            if (binaryFraming && !_session.Codec.AcceptsBinaryFraming)
            {
                // v4 has no binary payload framing (Node: "invalid content").
                _session.Terminate(EngineCloseReason.TransportError);
                await EngineErrors.WriteHttpErrorAsync(context.Response, EngineErrors.BadRequest);
                return;
            }

            var max = _options.MaxHttpBufferSize;
            if (request.ContentLength > max)
            {
                await RefuseTooLargeAsync(context);
                return;
            }
            // Our own bound is the one that counts (ReadBodyAsync stops past it): keep Kestrel's (30 MB by default)
            // from failing the read first and turning the 413 into a 400.
            var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = null;

            int length;
            try
            {
                (body, length) = await ReadBodyAsync(request, max, context.RequestAborted);
            }
            catch (Exception)
            {
                // The client left or sent a broken body (Node: "data request connection closed prematurely").
                _session.Terminate(EngineCloseReason.TransportError);
                if (!context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
                    await EngineErrors.WriteHttpErrorAsync(context.Response, EngineErrors.BadRequest);
                return;
            }
            if (length < 0)
            {
                await RefuseTooLargeAsync(context);
                return;
            }

            if (!await ReceivePayloadAsync(body.AsMemory(0, length), binaryFraming))
            {
                // Parse error: the session is closed. Node destroys the request; a 400 says the same more politely.
                await EngineErrors.WriteHttpErrorAsync(context.Response, EngineErrors.BadRequest);
                return;
            }

            // Delivered: the client may send its next POST as soon as it reads "ok", maybe before we return.
            lock (_lock) _postActive = false;
            released = true;

            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            // text/html rather than text/plain keeps some user agents from offering a download (Node's comment, GH-43).
            response.ContentType = "text/html";
            response.ContentLength = Ok.Length;
            SetCommonHeaders(context);
            await response.Body.WriteAsync(Ok, context.RequestAborted);
        }
        finally
        {
            if (body is not null) ArrayPool<byte>.Shared.Return(body);
            if (!released)
            {
                lock (_lock) _postActive = false;
            }
        }
    }

    /// <summary>
    /// A POST body: decodes packet by packet and hands each to the session, which waits for the listener to make
    /// room before each message (the POST is answered only then: the client sends its next one after). False when
    /// it was malformed (session closed). A text packet must be valid UTF-8, as a WebSocket text frame must be.
    /// </summary>
    internal async ValueTask<bool> ReceivePayloadAsync(Memory<byte> body, bool binaryFraming)
    {
        var codec = _session.Codec;
        var offset = 0;
        while (true)
        {
            var status = codec.ReadPayloadPacket(body, ref offset, binaryFraming, out var packet);
            if (status == DecodeStatus.Packet && !packet.IsBinary && !Utf8.IsValid(packet.Data.Span))
                status = DecodeStatus.Error;
            switch (status)
            {
                case DecodeStatus.End:
                    return true;
                case DecodeStatus.Skip:
                    continue;
                case DecodeStatus.Error:
                    _session.Terminate(EngineCloseReason.ParseError);
                    return false;
            }
            if (!await _session.OnPacketAsync(this, status, packet)) return true;
        }
    }

    /// <summary>413 and, unlike Node (which keeps the session while the client has lost data), the session ends.</summary>
    private async Task RefuseTooLargeAsync(HttpContext context)
    {
        _session.Terminate(EngineCloseReason.TransportError);
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        context.Response.ContentLength = 0;
        await context.Response.CompleteAsync();
    }

    /// <summary>
    /// Copies the body into one pooled buffer (the payload is decoded in place from it). Returns length -1 as soon as
    /// it exceeds <paramref name="max"/>, having buffered no more than that.
    /// </summary>
    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpRequest request, int max, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(request.ContentLength ?? 4096, 1, max));
        var length = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var sequence = result.Buffer;
                if (length + sequence.Length > max)
                {
                    reader.AdvanceTo(sequence.End);
                    return (buffer, -1);
                }
                if (length + sequence.Length > buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(buffer.Length * 2L, length + sequence.Length), max));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                sequence.CopyTo(buffer.AsSpan(length));
                length += (int)sequence.Length;
                reader.AdvanceTo(sequence.End);
                if (result.IsCompleted) return (buffer, length);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static bool IsOctetStream(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase);

    private static void SetCommonHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        // Node's workaround for IE's XSS filter mangling payloads.
        var userAgent = context.Request.Headers.UserAgent.ToString();
        if (userAgent.Contains(";MSIE", StringComparison.Ordinal) || userAgent.Contains("Trident/", StringComparison.Ordinal))
            headers[HeaderNames.XXSSProtection] = "0";
    }
}
