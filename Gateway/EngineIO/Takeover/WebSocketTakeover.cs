using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace OrleansSocket.Gateway.EngineIO.Takeover;

/// <summary>
/// Runs a WebSocket on its Kestrel connection once the handshake request has gone through the whole ASP.NET Core
/// pipeline (authentication, CORS, routing, the Engine.IO checks) and ended. An upgraded request would keep its HTTP
/// context and Kestrel's HTTP/1.1 objects for as long as the socket lives; here they are released when the request
/// ends, and the socket's frames go straight to the connection's pipe. Installed per endpoint by
/// <c>ListenOptions.UseSocketIO()</c> as connection middleware, found by the Engine.IO endpoint as a connection feature.
/// </summary>
internal sealed class WebSocketTakeover
{
    private static readonly byte[] WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8.ToArray();

    private readonly IDuplexPipe _connection;
    private TakeoverGate? _gate; // dropped once the request has ended: the socket no longer needs it
    private readonly HeartbeatGate? _heartbeat;
    private readonly bool _tls; // TLS ended below this middleware, so its pipe carries plain bytes
    private readonly Socket? _socket; // the socket whose bytes the pipe carries unchanged, for sends straight to it
    private byte[]? _response;
    private Func<WebSocket, CancellationToken, Task>? _run;

    private WebSocketTakeover(IDuplexPipe connection, bool tls, Socket? socket, IConnectionHeartbeatFeature? heartbeat)
    {
        _connection = connection;
        _socket = socket;
        _gate = new TakeoverGate(connection);
        _tls = tls;
        if (heartbeat is not null) _heartbeat = new HeartbeatGate(heartbeat);
    }

    /// <summary>The connection middleware: offers the takeover to the requests of the connection, then runs it.</summary>
    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        var transport = connection.Transport;
        var heartbeat = connection.Features.Get<IConnectionHeartbeatFeature>();
        var tls = connection.Features.Get<ITlsHandshakeFeature>() is not null;
        var takeover = new WebSocketTakeover(transport, tls, tls ? null : PlainSocket(connection), heartbeat);
        connection.Features.Set(takeover);
        if (takeover._heartbeat is not null) connection.Features.Set<IConnectionHeartbeatFeature>(takeover._heartbeat);
        connection.Transport = takeover._gate!;
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
            connection.Features.Set<WebSocketTakeover>(null);
            connection.Features.Set(heartbeat);
            takeover._gate = null;
        }
        if (takeover._run is not null) await takeover.RunAsync(connection.ConnectionClosed);
    };

    /// <summary>Whether the socket's frames go straight to the connection's <see cref="Socket"/> (<see cref="PipeWebSocket"/>).</summary>
    internal bool SendsOnSocket => _socket is not null;

    /// <summary>
    /// The connection's socket when the pipe this middleware sees is the one Kestrel's socket transport made for it: no
    /// TLS and no other connection middleware in between that could change the bytes, so a frame may be sent on the
    /// socket itself. Else null, and every frame goes through the pipe.
    /// </summary>
    private static Socket? PlainSocket(ConnectionContext connection) =>
        connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket
        && connection.Transport.GetType().Assembly == typeof(SocketTransportOptions).Assembly
            ? socket
            : null;

    /// <summary>
    /// Accepts the WebSocket of <paramref name="context"/> (a request <c>IsWebSocketRequest</c> found valid) and has
    /// <paramref name="run"/> run it with the token of its end: on the connection once the request has ended when the
    /// connection can carry it (<see cref="Find"/>; the returned task then completes at once, and the request should
    /// end), else on the request, which then lasts as long as the socket.
    /// </summary>
    public static async Task AcceptAsync(HttpContext context, Func<WebSocket, CancellationToken, Task> run)
    {
        if (Find(context) is { } takeover)
        {
            takeover.Accept(context, run);
            return;
        }
        await run(await context.WebSockets.AcceptWebSocketAsync(), context.RequestAborted);
    }

    /// <summary>
    /// The takeover of the connection carrying <paramref name="context"/>, when it can carry its WebSocket: an
    /// HTTP/1.1 WebSocket request on a connection set up with <c>UseSocketIO()</c>, whose bytes this middleware sees
    /// in clear (it runs after TLS, or there is none), and not taken over already. Null: accept the WebSocket on
    /// the request.
    /// </summary>
    private static WebSocketTakeover? Find(HttpContext context)
    {
        var takeover = context.Features.Get<WebSocketTakeover>();
        if (takeover?._gate is null || takeover._run is not null) return null;
        // TLS ended on this connection now but not where the middleware ran: it runs below TLS and sees encrypted
        // bytes. The connection's TLS feature, not Request.IsHttps, which a proxy's X-Forwarded-Proto may set.
        var tls = context.Features.Get<ITlsHandshakeFeature>() is not null;
        if (!HttpProtocol.IsHttp11(context.Request.Protocol) || tls != takeover._tls) return null;
        return takeover;
    }

    /// <summary>
    /// Takes the connection over: once the request has ended, the 101 answer (with the headers the pipeline set on the
    /// response) goes out and <paramref name="run"/> gets the socket and the connection's closed token.
    /// </summary>
    private void Accept(HttpContext context, Func<WebSocket, CancellationToken, Task> run)
    {
        _response = SwitchingProtocols(context.Request.Headers.SecWebSocketKey.ToString(), context.Response.Headers);
        _run = run;
        _gate!.Cut();
        _heartbeat?.Cut();
    }

    private async Task RunAsync(CancellationToken closed)
    {
        Func<WebSocket, CancellationToken, Task>? run = _run!;
        _run = null;
        try
        {
            // A read the HTTP layer had pending at the cut was canceled: that cancellation must not reach the socket.
            if (_connection.Input.TryRead(out var pending)) _connection.Input.AdvanceTo(pending.Buffer.Start);
            using var socket = new PipeWebSocket(_connection, _socket);
            var opened = await socket.OpenAsync(_response, closed);
            _response = null;
            if (!opened) return;
            var running = run(socket, closed);
            run = null; // what it captured is the session's now, not this connection's to keep
            await running;
        }
        catch (Exception) when (closed.IsCancellationRequested)
        {
            // The client left before its 101.
        }
        finally
        {
            await _connection.Output.CompleteAsync();
            await _connection.Input.CompleteAsync();
        }
    }

    /// <summary>RFC 6455's 101 answer, with the response headers the pipeline set (CORS, cookies).</summary>
    private static byte[] SwitchingProtocols(string key, IHeaderDictionary headers)
    {
        var text = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: ")
            .Append(AcceptKey(key)).Append("\r\n");
        foreach (var (name, values) in headers)
        {
            if (IsFramingHeader(name)) continue;
            foreach (var value in values) text.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        return Encoding.Latin1.GetBytes(text.Append("\r\n").ToString());
    }

    private static bool IsFramingHeader(string name) =>
        name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase);

    /// <summary>base64(SHA-1(key + the RFC 6455 GUID)).</summary>
    internal static string AcceptKey(string key)
    {
        var length = Encoding.ASCII.GetByteCount(key);
        var bytes = ArrayPool<byte>.Shared.Rent(length + WebSocketGuid.Length);
        try
        {
            Encoding.ASCII.GetBytes(key, bytes);
            WebSocketGuid.CopyTo(bytes, length);
            return Convert.ToBase64String(SHA1.HashData(bytes.AsSpan(0, length + WebSocketGuid.Length)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
