using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.EngineIO.Takeover;
using static OrleansSocket.Tests.EngineIO.EngineClient;
using static OrleansSocket.Tests.EngineIO.TestPipes;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>
/// <c>ListenOptions.UseSocketIO()</c>: a WebSocket runs on its Kestrel connection once its handshake request has gone
/// through the pipeline and ended. The gates it puts between the connection and Kestrel's HTTP layer, then a real
/// Kestrel (the Engine.IO behaviour over it is <see cref="ConnectionWebSocketEngineIOTests"/>).
/// </summary>
public sealed class WebSocketTakeoverTests
{
    // ---------------- the pipe gate ----------------

    [Fact]
    public async Task Gate_PassesReadsAndWritesThroughBeforeTheCut()
    {
        var (connection, client) = Pipes();
        var gate = new TakeoverGate(connection);
        await client.Output.WriteAsync("GET / HTTP/1.1\r\n"u8.ToArray());

        var read = await gate.Input.ReadAsync();
        Assert.Equal("GET / HTTP/1.1\r\n", Encoding.ASCII.GetString(read.Buffer));
        gate.Input.AdvanceTo(read.Buffer.End);
        await gate.Output.WriteAsync("HTTP/1.1 200 OK\r\n"u8.ToArray());

        Assert.Equal("HTTP/1.1 200 OK\r\n", await ReadAllAsync(client.Input));
    }

    [Fact]
    public async Task Gate_AfterTheCut_TheHttpLayerReadsTheEndAndItsWritesGoNowhere()
    {
        var (connection, client) = Pipes();
        var gate = new TakeoverGate(connection);
        gate.Cut();
        await client.Output.WriteAsync("frame"u8.ToArray());

        var read = await gate.Input.ReadAsync();
        AssertTheEnd(read);
        gate.Input.AdvanceTo(read.Buffer.End);
        await gate.Output.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        await gate.Output.CompleteAsync();
        await gate.Input.CompleteAsync();

        // The connection's own pipe is whole: what the client sent is there, nothing was written, nothing completed.
        var mine = await connection.Input.ReadAsync();
        Assert.Equal("frame", Encoding.ASCII.GetString(mine.Buffer));
        connection.Input.AdvanceTo(mine.Buffer.End);
        Assert.False(client.Input.TryRead(out _));
        await connection.Output.WriteAsync("101"u8.ToArray());
        Assert.Equal("101", await ReadAllAsync(client.Input));
    }

    [Fact]
    public async Task Gate_AReadPendingAtTheCut_LeavesWhatArrivesToTheConnection()
    {
        var (connection, client) = Pipes();
        var gate = new TakeoverGate(connection);
        var pending = gate.Input.ReadAsync();
        Assert.False(pending.IsCompleted);

        gate.Cut();
        var read = await pending;
        AssertTheEnd(read);

        // The takeover clears the canceled read before it reads; the next bytes are the socket's.
        if (connection.Input.TryRead(out var cleared)) connection.Input.AdvanceTo(cleared.Buffer.Start);
        await client.Output.WriteAsync("frame"u8.ToArray());
        var mine = await connection.Input.ReadAsync();
        Assert.False(mine.IsCanceled);
        Assert.Equal("frame", Encoding.ASCII.GetString(mine.Buffer));
    }

    [Fact]
    public async Task Gate_AReadAdvancedAfterTheCut_IsAdvancedOnTheConnection()
    {
        var (connection, client) = Pipes();
        var gate = new TakeoverGate(connection);
        await client.Output.WriteAsync("GET / HTTP/1.1\r\n\r\nframe"u8.ToArray());
        var read = await gate.Input.ReadAsync();
        gate.Cut();

        // The HTTP layer consumes its request after the cut (it parsed it before): the rest stays the socket's.
        gate.Input.AdvanceTo(read.Buffer.GetPosition(18));
        var mine = await connection.Input.ReadAsync();
        Assert.Equal("frame", Encoding.ASCII.GetString(mine.Buffer));
    }

    [Fact]
    public void Heartbeat_RunsTheHttpLayersChecksUntilTheCut()
    {
        var connectionHeartbeat = new RecordingHeartbeat();
        var gate = new HeartbeatGate(connectionHeartbeat);
        var ticks = 0;
        gate.OnHeartbeat(_ => ticks++, new object());

        connectionHeartbeat.Tick();
        gate.Cut();
        connectionHeartbeat.Tick();
        gate.OnHeartbeat(_ => ticks += 10, new object());
        connectionHeartbeat.Tick();

        Assert.Equal(1, ticks);
    }

    [Fact]
    public void AcceptKey_IsRfc6455s()
    {
        // RFC 6455, section 1.3.
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketTakeover.AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    // ---------------- over Kestrel ----------------

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 1)]
    public async Task TheHandshakeRequestEnds_WhileTheSocketLives(bool onConnection, int requestsInFlight)
    {
        await using var server = await Server.StartAsync(onConnection);
        using var socket = await ConnectAsync(server.WebSocketUri("?EIO=4&transport=websocket"));
        await AssertOpensAndEchoesAsync(socket);
        Assert.Equal(requestsInFlight, server.RequestsInFlight);
        // The pipeline ran for the request either way; its response headers are on the 101.
        Assert.Equal("ran", socket.HttpResponseHeaders!["X-Pipeline"].Single());
    }

    [Theory]
    [InlineData(true, 0)] // UseHttps, then UseSocketIO: the socket runs on the connection, inside TLS
    [InlineData(false, 1)] // UseSocketIO below TLS: it sees encrypted bytes, so the request is upgraded as without it
    public async Task OverTls_TheSocketRunsOnTheConnectionOnlyInsideTls(bool afterUseHttps, int requestsInFlight)
    {
        using var certificate = TestCertificates.SelfSigned("CN=127.0.0.1", IPAddress.Loopback);
        await using var server = await Server.StartAsync(kestrel => kestrel.Listen(IPAddress.Loopback, 0, endpoint =>
        {
            if (afterUseHttps) endpoint.UseHttps(certificate).UseSocketIO();
            else endpoint.UseSocketIO().UseHttps(certificate);
        }));
        Assert.Equal("https", server.Uri.Scheme);
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using (var timeout = new CancellationTokenSource(Patience))
            await socket.ConnectAsync(new Uri($"wss://{server.Uri.Authority}{Server.Path}?EIO=4&transport=websocket"), timeout.Token);
        await AssertOpensAndEchoesAsync(socket);
        Assert.Equal(requestsInFlight, server.RequestsInFlight);
    }

    [Fact]
    public async Task BehindAProxyThatTerminatesTls_TheSocketStillRunsOnTheConnection()
    {
        // As UseForwardedHeaders does with X-Forwarded-Proto: the request says https, the connection is plain.
        await using var server = await Server.StartAsync(onConnection: true, onRequest: context => context.Request.Scheme = "https");
        using var socket = await ConnectAsync(server.WebSocketUri("?EIO=4&transport=websocket"));
        await AssertOpensAndEchoesAsync(socket);
        Assert.Equal(0, server.RequestsInFlight);
    }

    [Fact]
    public async Task AFrameSentWithTheRequest_IsNotLost()
    {
        await using var server = await Server.StartAsync(onConnection: true);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Uri.Host, server.Uri.Port);
        var stream = tcp.GetStream();
        // The request and a masked text frame "4hello" in one write, before the 101 came.
        var request = Encoding.ASCII.GetBytes(
            $"GET {Server.Path}?EIO=4&transport=websocket HTTP/1.1\r\nHost: {server.Uri.Authority}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        await stream.WriteAsync(request.Concat(ClientFrame(0x81, Encoding.UTF8.GetBytes("4hello"))).ToArray());

        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Patience);
        while (!received.ToString().Contains("4hello", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            Assert.NotEqual(0, n);
            received.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }
        var text = received.ToString();
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", text);
        Assert.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", text);
        Assert.DoesNotContain("200 OK", text);
    }

    [Fact]
    public async Task OnAPlainConnection_TheSocketsFramesGoStraightToItsSocket()
    {
        bool? direct = null;
        await using var server = await Server.StartAsync(onConnection: true, onRequest: context =>
            direct = context.Features.Get<WebSocketTakeover>()?.SendsOnSocket);
        using var socket = await ConnectAsync(server.WebSocketUri("?EIO=4&transport=websocket"));
        await AssertOpensAndEchoesAsync(socket);
        Assert.True(direct);
    }

    [Fact]
    public async Task BehindAMiddlewareThatWrapsTheConnection_TheFramesGoThroughIt()
    {
        bool? direct = null;
        var written = 0L;
        await using var server = await Server.StartAsync(kestrel => kestrel.ConfigureEndpointDefaults(endpoint =>
        {
            // A connection middleware before UseSocketIO that sees every byte the server writes (as one that logs or
            // changes them would): frames must reach it, so none may go to the socket past it.
            endpoint.Use(next => connection =>
            {
                connection.Transport = new CountingPipe(connection.Transport, n => Interlocked.Add(ref written, n));
                return next(connection);
            });
            endpoint.UseSocketIO();
        }), "http://127.0.0.1:0", context => direct = context.Features.Get<WebSocketTakeover>()?.SendsOnSocket);
        using var socket = await ConnectAsync(server.WebSocketUri("?EIO=4&transport=websocket"));
        var before = Interlocked.Read(ref written);
        await AssertOpensAndEchoesAsync(socket);
        Assert.False(direct);
        Assert.True(Interlocked.Read(ref written) > before);
    }

    [Fact]
    public async Task AnUpgradeFromPolling_RunsOnTheConnection()
    {
        await using var server = await Server.StartAsync(onConnection: true);
        using var http = new HttpClient { BaseAddress = server.Uri };
        var open = await http.GetStringAsync($"{Server.Path}?EIO=4&transport=polling");
        var sid = System.Text.Json.JsonDocument.Parse(open[1..]).RootElement.GetProperty("sid").GetString();

        using var socket = await ConnectAsync(server.WebSocketUri($"?EIO=4&transport=websocket&sid={sid}"));
        await SendTextAsync(socket, "2probe");
        Assert.Equal("3probe", await ReceiveTextAsync(socket));
        await SendTextAsync(socket, "5");
        await SendTextAsync(socket, "4after");
        Assert.Equal("4after", await ReceiveTextAsync(socket));
        Assert.Equal(0, server.RequestsInFlight);
    }

    /// <summary>What the HTTP layer reads after the cut: the end of the connection, and nothing in it.</summary>
    private static void AssertTheEnd(ReadResult read)
    {
        Assert.True(read.IsCompleted);
        Assert.True(read.Buffer.IsEmpty);
    }

    /// <summary>The session's open packet comes, and a message is echoed.</summary>
    private static async Task AssertOpensAndEchoesAsync(WebSocket socket)
    {
        Assert.StartsWith("0{", await ReceiveTextAsync(socket));
        await SendTextAsync(socket, "4hello");
        Assert.Equal("4hello", await ReceiveTextAsync(socket));
    }

    private static async Task<string> ReadAllAsync(PipeReader reader)
    {
        var read = await reader.ReadAsync();
        var text = Encoding.ASCII.GetString(read.Buffer);
        reader.AdvanceTo(read.Buffer.End);
        return text;
    }


    private sealed class RecordingHeartbeat : IConnectionHeartbeatFeature
    {
        private readonly List<(Action<object> Action, object State)> _handlers = [];

        public void OnHeartbeat(Action<object> action, object state) => _handlers.Add((action, state));

        public void Tick()
        {
            foreach (var (action, state) in _handlers) action(state);
        }
    }

    /// <summary>A connection's pipe whose writes are counted as they are flushed.</summary>
    private sealed class CountingPipe(IDuplexPipe inner, Action<long> count) : IDuplexPipe
    {
        public PipeReader Input => inner.Input;
        public PipeWriter Output { get; } = new CountingWriter(inner.Output, count);

        private sealed class CountingWriter(PipeWriter inner, Action<long> count) : PipeWriter
        {
            public override void Advance(int bytes)
            {
                count(bytes);
                inner.Advance(bytes);
            }

            public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);
            public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
            public override void CancelPendingFlush() => inner.CancelPendingFlush();
            public override void Complete(Exception? exception = null) => inner.Complete(exception);
            public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
            public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Kestrel with an echoing Engine.IO endpoint behind a middleware that counts the requests in flight.</summary>
    private sealed class Server : IAsyncDisposable
    {
        public const string Path = "/engine.io/";
        private readonly WebApplication _app;
        private int _inFlight;

        private Server(WebApplication app) => _app = app;

        public Uri Uri { get; private set; } = null!;

        public int RequestsInFlight => Volatile.Read(ref _inFlight);

        public Uri WebSocketUri(string query) => new($"ws://{Uri.Authority}{Path}{query}");

        public static Task<Server> StartAsync(bool onConnection, Action<HttpContext>? onRequest = null) => StartAsync(kestrel =>
        {
            if (onConnection) kestrel.ConfigureEndpointDefaults(endpoint => endpoint.UseSocketIO());
        }, "http://127.0.0.1:0", onRequest);

        public static async Task<Server> StartAsync(Action<KestrelServerOptions> configure, string? urls = null, Action<HttpContext>? onRequest = null)
        {
            var builder = WebApplication.CreateBuilder();
            builder.Logging.ClearProviders();
            if (urls is not null) builder.WebHost.UseUrls(urls);
            builder.WebHost.ConfigureKestrel(configure);
            var app = builder.Build();
            var server = new Server(app);
            app.Use(async (context, next) =>
            {
                Interlocked.Increment(ref server._inFlight);
                context.Response.Headers["X-Pipeline"] = "ran";
                onRequest?.Invoke(context);
                try
                {
                    await next(context);
                }
                finally
                {
                    Interlocked.Decrement(ref server._inFlight);
                }
            });
            app.MapEngineIO(Path, new EchoEngineApplication(), new EngineIOOptions { PingInterval = 60000, PingTimeout = 60000 });
            await app.StartAsync();
            server.Uri = new Uri(app.Urls.First());
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
