using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansSocket.Gateway.WarmUp;
using OrleansSocket.Tests.EngineIO;
using static OrleansSocket.Tests.EngineIO.TestPipes;

namespace OrleansSocket.Tests.WarmUp;

/// <summary>
/// The warm-up's client against a scripted gateway: a connection that another process on a shared port refused is
/// opened again, up to <see cref="WarmUpClient.MaxAttempts"/>; a failed connection stops the round's others; a message
/// longer than <see cref="WarmUpClient.MaxMessageBytes"/> fails the round; pings are answered on the way.
/// </summary>
public sealed class WarmUpClientTests : IDisposable
{
    private const string Ns = WarmUpNamespace.Name;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _timeout = new(Limit);

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task A_connection_another_process_refused_is_opened_again()
    {
        await using var gateway = await ScriptedGateway.StartAsync(refuseFirst: 3);

        var round = await WarmUpClient.RunRoundAsync(gateway.Endpoint, concurrency: 1, connections: 1, events: 4, Timeout());

        Assert.Equal(4, gateway.Connections);
        Assert.Equal(4, round.Events);
        Assert.Equal(ScriptedGateway.CompiledCount, Assert.Single(round.Compiled).Value);
        Assert.Equal(ScriptedGateway.Process, Assert.Single(round.Compiled).Key);
    }

    [Fact]
    public async Task A_round_opens_its_connections_a_few_at_a_time()
    {
        // The gateway answers no event until two connections are in at once: a round that opened them one by one would hang.
        await using var gateway = await ScriptedGateway.StartAsync(refuseFirst: 0, answerOnceAtOnce: 2);

        var round = await WarmUpClient.RunRoundAsync(gateway.Endpoint, concurrency: 2, connections: 5, events: 3, Timeout());

        Assert.Equal(5, gateway.Connections);
        Assert.Equal(2, gateway.MostAtOnce);
        Assert.Equal(15, round.Events);
        Assert.Equal(ScriptedGateway.CompiledCount, round.Compiled[ScriptedGateway.Process]);
    }

    [Fact]
    public async Task It_gives_up_after_the_last_attempt()
    {
        await using var gateway = await ScriptedGateway.StartAsync(refuseFirst: int.MaxValue);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => WarmUpClient.RunRoundAsync(gateway.Endpoint, concurrency: 1, connections: 1, events: 4, Timeout()));

        Assert.Contains("the namespace's CONNECT", error.Message, StringComparison.Ordinal);
        Assert.Equal(WarmUpClient.MaxAttempts, gateway.Connections);
    }

    [Fact]
    public async Task A_failed_connection_stops_the_rounds_others()
    {
        // The first connection in the namespace gets a wrong ack; the gateway never answers the others' events.
        await using var gateway = await ScriptedGateway.StartAsync(refuseFirst: 0, breakFirst: true);

        using var caller = new CancellationTokenSource(Limit);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => WarmUpClient.RunRoundAsync(gateway.Endpoint, concurrency: 3, connections: 10, events: 4, caller.Token));

        // Not the caller's cancellation ending the two that wait: before it, the round failed with the wrong ack.
        Assert.False(caller.IsCancellationRequested, "the round ended only when its caller cancelled it");
        Assert.Contains("the ack of event 0", error.Message, StringComparison.Ordinal);
        // The two the gateway left waiting were closed by the client, not left open until the round's deadline.
        await gateway.WaitForAbandonedAsync(2).WaitAsync(Timeout());
        Assert.Equal(3, gateway.Connections);
    }

    [Fact]
    public async Task A_message_of_the_longest_size_is_read_and_a_ping_answered()
    {
        var (server, client) = Sockets();
        var text = new string('x', WarmUpClient.MaxMessageBytes);

        await server.SendAsync(Encoding.UTF8.GetBytes("2"), WebSocketMessageType.Text, true, default);
        await SendInPiecesAsync(server, text);
        var received = await WarmUpClient.ReceiveAsync(client, new ArrayBufferWriter<byte>(256), Timeout());

        Assert.Equal(text, received);
        Assert.Equal("3", await ReceiveTextAsync(server));
    }

    [Fact]
    public async Task A_longer_message_fails_without_growing_the_buffer()
    {
        var (server, client) = Sockets();
        var buffer = new ArrayBufferWriter<byte>(256);

        await SendInPiecesAsync(server, new string('x', 4 * WarmUpClient.MaxMessageBytes));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => WarmUpClient.ReceiveAsync(client, buffer, Timeout()));

        Assert.Contains($"at most {WarmUpClient.MaxMessageBytes} bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(WarmUpClient.MaxMessageBytes + 1, buffer.WrittenCount);
        Assert.True(buffer.Capacity <= 2 * (WarmUpClient.MaxMessageBytes + 1), $"capacity {buffer.Capacity}");
    }

    /// <summary>A bound on a test that hangs, not a timed assertion.</summary>
    private CancellationToken Timeout() => _timeout.Token;

    /// <summary>A server WebSocket and the client one on the two ends of in-memory pipes.</summary>
    private static (WebSocket Server, WebSocket Client) Sockets()
    {
        var (connection, client) = Pipes();
        return (WebSocket.CreateFromStream(new DuplexPipeStream(connection), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero }),
            WebSocket.CreateFromStream(new DuplexPipeStream(client), new WebSocketCreationOptions { KeepAliveInterval = TimeSpan.Zero }));
    }

    /// <summary>One message in frames of 1 000 bytes, so that the client reads it in several receives.</summary>
    private static async Task SendInPiecesAsync(WebSocket socket, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var offset = 0; offset < bytes.Length; offset += 1000)
        {
            var count = Math.Min(1000, bytes.Length - offset);
            await socket.SendAsync(bytes.AsMemory(offset, count), WebSocketMessageType.Text, offset + count == bytes.Length, default);
        }
    }

    /// <summary>The next text message; null, with the close answered, when the other end closes.</summary>
    private static async Task<string?> ReceiveTextAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Limit);
        var buffer = new ArrayBufferWriter<byte>();
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.GetMemory(256), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, default);
                return null;
            }
            buffer.Advance(result.Count);
        }
        while (!result.EndOfMessage);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Kestrel speaking just enough Engine.IO 4 / Socket.IO 5 for the warm-up: it refuses the namespace to its first
    /// <c>refuseFirst</c> connections as a gateway that does not know the key does, then acks every event (or, with
    /// <c>breakFirst</c>, answers the first admitted connection's first event wrongly and never the others').
    /// </summary>
    private sealed class ScriptedGateway : IAsyncDisposable
    {
        public const string Process = "scripted-host/7";
        public const long CompiledCount = 1234;
        private readonly WebApplication _app;
        private readonly int _refuseFirst;
        private readonly int _answerOnceAtOnce;
        private readonly bool _breakFirst;
        private readonly Channel<int> _abandoned = Channel.CreateUnbounded<int>();
        private int _admitted;
        private readonly TaskCompletionSource _enoughAtOnce = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _connections;
        private int _inNamespace;
        private int _mostAtOnce;

        private ScriptedGateway(WebApplication app, int refuseFirst, int answerOnceAtOnce, bool breakFirst) =>
            (_app, _refuseFirst, _answerOnceAtOnce, _breakFirst) = (app, refuseFirst, answerOnceAtOnce, breakFirst);

        public Uri Endpoint { get; private set; } = null!;

        public int Connections => Volatile.Read(ref _connections);

        /// <summary>The most connections in the namespace at once (from CONNECT to DISCONNECT).</summary>
        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        /// <summary>Starts on a free loopback port.</summary>
        /// <param name="refuseFirst">Connections refused the namespace before the first admitted one.</param>
        /// <param name="answerOnceAtOnce">Events are answered only once this many connections have been in the namespace at once.</param>
        /// <param name="breakFirst">Answer the first admitted connection's first event with a wrong ack and leave the others unanswered.</param>
        public static async Task<ScriptedGateway> StartAsync(int refuseFirst, int answerOnceAtOnce = 0, bool breakFirst = false)
        {
            var builder = WebApplication.CreateBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var gateway = new ScriptedGateway(app, refuseFirst, answerOnceAtOnce, breakFirst);
            app.UseWebSockets();
            app.Run(gateway.ServeAsync);
            await app.StartAsync();
            gateway.Endpoint = new Uri($"ws://{new Uri(app.Urls.First()).Authority}/socket.io/?EIO=4&transport=websocket");
            return gateway;
        }

        private async Task ServeAsync(HttpContext context)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var refused = Interlocked.Increment(ref _connections) <= _refuseFirst;
            await SendAsync(socket, """0{"sid":"s","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}""");
            if (await ReceiveTextAsync(socket) != $"40{Ns},") return;
            if (refused)
            {
                await SendAsync(socket, $$"""44{{Ns}},{"message":"Invalid namespace"}""");
                // A gateway that does not know the key leaves the connection open; the client closes it.
                while (await ReceiveTextAsync(socket) is not null) { }
                return;
            }
            var inNamespace = Interlocked.Increment(ref _inNamespace);
            lock (_enoughAtOnce) _mostAtOnce = Math.Max(_mostAtOnce, inNamespace);
            if (inNamespace >= _answerOnceAtOnce) _enoughAtOnce.TrySetResult();
            await SendAsync(socket, $$"""40{{Ns}},{"sid":"n"}""");
            if (_breakFirst)
            {
                await BreakAsync(socket, first: Interlocked.Increment(ref _admitted) == 1);
                return;
            }
            await _enoughAtOnce.Task.WaitAsync(Limit);
            while (await ReceiveTextAsync(socket) is { } packet && packet.StartsWith($"42{Ns},", StringComparison.Ordinal))
            {
                var id = packet[(Ns.Length + 3)..packet.IndexOf('[', StringComparison.Ordinal)];
                var answer = packet.Contains($"\"{WarmUpNamespace.Compiled}\"", StringComparison.Ordinal) ? $"{Process} {CompiledCount}" : "ok";
                await SendAsync(socket, $"43{Ns},{id}[\"{answer}\"]");
            }
            // Left at the client's DISCONNECT (the packet that ended the loop), before the close the client waits for.
            Interlocked.Decrement(ref _inNamespace);
            while (await ReceiveTextAsync(socket) is not null) { }
        }

        /// <summary>Connections the client closed or aborted while the gateway left them unanswered.</summary>
        public async Task WaitForAbandonedAsync(int count)
        {
            for (var seen = 0; seen < count; seen++)
                await _abandoned.Reader.ReadAsync();
        }

        private async Task BreakAsync(WebSocket socket, bool first)
        {
            if (first)
            {
                if (await ReceiveTextAsync(socket) is null) return;
                await SendAsync(socket, $"43{Ns},99[\"not yours\"]");
            }
            try
            {
                while (await ReceiveTextAsync(socket) is not null) { }
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
            {
                // The client aborted it: what a cancelled client WebSocket does.
            }
            if (!first) _abandoned.Writer.TryWrite(1);
        }

        private static Task SendAsync(WebSocket socket, string text) =>
            socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, default);

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
