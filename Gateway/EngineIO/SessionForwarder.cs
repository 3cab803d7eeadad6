using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// Relays a request for a session held by another gateway (its owner) to that gateway, and the answer back:
/// long-polling GET and POST with their status, headers and streamed bodies, and the WebSocket of an upgrade,
/// frame by frame in both directions. The owner runs the session exactly as if the client had come to it;
/// this gateway keeps nothing.
/// </summary>
internal sealed class SessionForwarder : IDisposable
{
    /// <summary>Marks a forwarded request: its receiver answers it itself, whatever it holds, so requests never loop.</summary>
    public const string ForwardedHeader = "X-OrleansSocket-Forwarded";

    /// <summary>
    /// Sent with a refused WebSocket handshake that was forwarded: the Engine.IO error code, so the first gateway
    /// answers with the same message (a refused <see cref="ClientWebSocket"/> exposes the status and headers, not the body).
    /// </summary>
    public const string ErrorCodeHeader = "X-OrleansSocket-Engine-Error";

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);
    /// <summary>How long the second side of a relayed WebSocket has to finish once the first one closed.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private const int RelayBufferSize = 16 * 1024;

    // Hop-by-hop (RFC 9110 §7.6.1) and what the forwarding sets itself.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", ForwardedHeader,
    };

    // The WebSocket handshake's own headers: ClientWebSocket makes its own (and no compression is negotiated).
    private static readonly HashSet<string> WebSocketHandshake = new(StringComparer.OrdinalIgnoreCase)
    {
        "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Content-Length",
    };

    private readonly SocketsHttpHandler _handler;
    private readonly HttpMessageInvoker _http;
    private readonly EngineLog _log;
    private readonly TimeProvider _time;

    public SessionForwarder(EngineLog log, TimeProvider time)
    {
        _log = log;
        _time = time;
        _handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = ConnectTimeout,
            // A forwarded long poll holds a pooled connection as long as the client's: no cap per owner.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        };
        // HttpMessageInvoker, not HttpClient: no overall timeout (a poll lasts up to pingInterval), no buffering.
        _http = new HttpMessageInvoker(_handler, disposeHandler: false);
    }

    /// <summary>A long-polling GET or POST: relayed, then answered with whatever the owner answered.</summary>
    public async Task ForwardHttpAsync(HttpContext context, Uri owner, string sid, int maxBody)
    {
        var request = context.Request;
        var aborted = context.RequestAborted;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), Target(owner, request, webSocket: false))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        if (HttpMethods.IsPost(request.Method) || request.ContentLength is not null || request.Headers.TransferEncoding.Count > 0)
        {
            // The owner enforces MaxHttpBufferSize (413, session closed); the same bound here keeps Kestrel's own
            // (30 MB by default) out of the way and never streams more than the owner would read.
            var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = maxBody + 1L;
            message.Content = new StreamContent(request.Body, RelayBufferSize);
            message.Content.Headers.ContentLength = request.ContentLength;
        }
        foreach (var (name, values) in request.Headers)
        {
            if (NotForwarded.Contains(name) || string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        // The original Host: the owner's same-origin check compares the Origin with it.
        message.Headers.Host = request.Host.Value;
        message.Headers.TryAddWithoutValidation(ForwardedHeader, "1");

        HttpResponseMessage answer;
        try
        {
            answer = await _http.SendAsync(message, aborted);
        }
        catch (Exception) when (aborted.IsCancellationRequested)
        {
            return; // the client left; cancelling the relayed request ends it on the owner too
        }
        catch (Exception ex)
        {
            // Unreachable owner (gone, so its sessions are), or the owner dropped the request.
            _log.OwnerUnreachable(ex, sid, owner);
            if (!context.Response.HasStarted) await EngineErrors.WriteHttpErrorAsync(context.Response, EngineErrors.UnknownSid);
            return;
        }

        using (answer)
        {
            var response = context.Response;
            response.StatusCode = (int)answer.StatusCode;
            CopyHeaders(answer.Headers, response.Headers);
            CopyHeaders(answer.Content.Headers, response.Headers);
            try
            {
                await answer.Content.CopyToAsync(response.Body, aborted);
            }
            catch (Exception)
            {
                // Either side broke off mid-body: break this response off too, as the owner's would have been.
                context.Abort();
            }
        }
    }

    /// <summary>
    /// A WebSocket handshake naming the session (the upgrade): connects to the owner first, so a refusal is answered
    /// as the owner answered it, then accepts the client's socket and relays frames both ways until both sides closed.
    /// </summary>
    public async Task ForwardWebSocketAsync(HttpContext context, Uri owner, string sid)
    {
        var request = context.Request;
        var aborted = context.RequestAborted;
        using var upstream = new ClientWebSocket();
        var options = upstream.Options;
        options.KeepAliveInterval = TimeSpan.Zero; // the Engine.IO heartbeat does that job, end to end
        options.CollectHttpResponseDetails = true;
        foreach (var (name, values) in request.Headers)
        {
            if (NotForwarded.Contains(name) || WebSocketHandshake.Contains(name)) continue;
            options.SetRequestHeader(name, values.ToString());
        }
        options.SetRequestHeader("Host", request.Host.Value);
        options.SetRequestHeader(ForwardedHeader, "1");
        foreach (var subProtocol in context.WebSockets.WebSocketRequestedProtocols) options.AddSubProtocol(subProtocol);

        using (var connect = CancellationTokenSource.CreateLinkedTokenSource(aborted))
        {
            using var connectTimeout = CancelAfter(connect, ConnectTimeout + ConnectTimeout);
            try
            {
                await upstream.ConnectAsync(Target(owner, request, webSocket: true), _http, connect.Token);
            }
            catch (Exception) when (aborted.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var code = EngineErrors.UnknownSid;
                if (upstream.HttpStatusCode != 0)
                {
                    // The owner refused the handshake: say what it said.
                    code = EngineErrors.BadRequest;
                    if (upstream.HttpResponseHeaders is { } headers && headers.TryGetValue(ErrorCodeHeader, out var values)
                        && int.TryParse(values.FirstOrDefault(), out var parsed) && parsed is >= 0 and <= EngineErrors.UnsupportedProtocolVersion)
                        code = parsed;
                }
                else
                {
                    _log.OwnerUnreachable(ex, sid, owner);
                }
                await EngineErrors.WriteUpgradeErrorAsync(context.Response, code);
                return;
            }
        }

        using var downstream = await context.WebSockets.AcceptWebSocketAsync(upstream.SubProtocol);
        using var relay = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var toOwner = RelayAsync(downstream, upstream, relay);
        var toClient = RelayAsync(upstream, downstream, relay);
        var first = await Task.WhenAny(toOwner, toClient);
        // One side closed: the close travels on, and the other side has a little while to answer it.
        using var closeTimeout = first.Result is null ? CancelAfter(relay, CloseTimeout) : null;
        var details = await Task.WhenAll(toOwner, toClient);
        if (downstream.State != WebSocketState.Closed) downstream.Abort();
        if (upstream.State != WebSocketState.Closed) upstream.Abort();
        _log.ForwardedWebSocketEnded(sid, owner, details[0] ?? details[1] ?? "closed");
    }

    /// <summary>Cancels <paramref name="source"/> after <paramref name="delay"/> on the server's clock; dispose before the source.</summary>
    private ITimer CancelAfter(CancellationTokenSource source, TimeSpan delay) =>
        _time.CreateTimer(static s =>
        {
            try
            {
                ((CancellationTokenSource)s!).Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the relay is over already
            }
        }, source, delay, Timeout.InfiniteTimeSpan);

    /// <summary>Copies messages, fragment by fragment, until a close (passed on): null, or what went wrong.</summary>
    private static async Task<string?> RelayAsync(WebSocket from, WebSocket to, CancellationTokenSource relay)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(RelayBufferSize);
        try
        {
            var token = relay.Token;
            while (true)
            {
                var result = await from.ReceiveAsync(buffer.AsMemory(), token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                        await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.Empty,
                            from.CloseStatus is null ? null : from.CloseStatusDescription, token);
                    return null;
                }
                await to.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, token);
            }
        }
        catch (Exception ex)
        {
            // A reset, an abort, or the close timeout: the other direction ends too.
            relay.Cancel();
            return ex.GetType().Name;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Uri Target(Uri owner, HttpRequest request, bool webSocket)
    {
        var scheme = owner.Scheme;
        if (webSocket) scheme = string.Equals(scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) ? "wss" : "ws";
        return new Uri(string.Concat(
            scheme, "://", owner.Authority,
            request.PathBase.ToUriComponent(), request.Path.ToUriComponent(), request.QueryString.ToUriComponent()));
    }

    private static void CopyHeaders(System.Net.Http.Headers.HttpHeaders from, IHeaderDictionary to)
    {
        foreach (var (name, values) in from)
        {
            if (NotForwarded.Contains(name)) continue;
            to[name] = values.ToArray();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _handler.Dispose();
    }
}
