using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// Inbound back-pressure against the real gateway process (protocol profile, default bounds): a client writes WebSocket
/// event frames on a raw socket as fast as the kernel takes them while another client keeps emitting with acks.
/// </summary>
[Collection(FloodServerCollection.Name)]
public sealed class InboundFloodTests(FloodServerFixture server, ITestOutputHelper output)
{
    /// <summary>The documented bound on the gateway's RSS growth while one client floods it (measured figures: docs/performance.md).</summary>
    private const long MaxRssGrowthBytes = 100_000_000;

    private static readonly TimeSpan FloodDuration = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_flooding_client_is_held_back_and_another_keeps_getting_its_acks()
    {
        server.EnsureStarted();
        using var other = await RawClient.ConnectAsync(server.BaseUrl);
        Assert.Equal("[\"warm-up\"]", await other.EmitWithAckAsync("warm-up"));
        var baseline = ReadRss();

        // No ack id: the handler's return value goes nowhere, so the flood causes no outbound traffic.
        using var flooder = await RawFlooder.ConnectAsync(server.Port);
        using var stop = new CancellationTokenSource(FloodDuration);
        var flood = flooder.FloodAsync($"42[\"message-with-ack\",\"{new string('x', 1000)}\"]", stop.Token);

        var peak = baseline;
        var acks = 0;
        while (!flood.IsCompleted)
        {
            Assert.Equal($"[\"n{acks}\"]", await other.EmitWithAckAsync($"n{acks}"));
            acks++;
            peak = Math.Max(peak, ReadRss());
        }
        var written = await flood;
        peak = Math.Max(peak, ReadRss());

        output.WriteLine($"flood: {written / 1_000_000.0:F1} MB written in {FloodDuration.TotalSeconds} s; " +
            $"gateway RSS {baseline / 1_000_000.0:F0} MB -> peak {peak / 1_000_000.0:F0} MB; other client: {acks} acks");
        Assert.True(acks > 0);
        Assert.True(peak - baseline < MaxRssGrowthBytes,
            $"RSS grew by {(peak - baseline) / 1_000_000.0:F0} MB (bound {MaxRssGrowthBytes / 1_000_000} MB)\n{server.Describe()}");
        Assert.Equal("[\"after\"]", await other.EmitWithAckAsync("after"));
    }

    private long ReadRss()
    {
        foreach (var line in File.ReadLines($"/proc/{server.ProcessId}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        throw new InvalidOperationException("no VmRSS in /proc/<pid>/status");
    }

    /// <summary>
    /// A hostile client on a plain TCP socket: a WebSocket handshake, CONNECT to "/", then the same event frame over
    /// and over, written in large chunks and never reading, so it writes faster than the server can handle events.
    /// </summary>
    private sealed class RawFlooder : IDisposable
    {
        private readonly Socket _socket;

        private RawFlooder(Socket socket) => _socket = socket;

        public static async Task<RawFlooder> ConnectAsync(int port)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port);
            await socket.SendAsync(Encoding.ASCII.GetBytes(
                $"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n" +
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
            var response = new StringBuilder();
            var buffer = new byte[1];
            while (!response.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                Assert.Equal(1, await socket.ReceiveAsync(buffer));
                response.Append((char)buffer[0]);
            }
            Assert.StartsWith("HTTP/1.1 101", response.ToString());
            var flooder = new RawFlooder(socket);
            await socket.SendAsync(Frame("40"));
            return flooder;
        }

        /// <summary>Writes <paramref name="text"/> frames until cancelled (or the server closes); returns the bytes written.</summary>
        public async Task<long> FloodAsync(string text, CancellationToken cancellation)
        {
            var frame = Frame(text);
            var chunk = new byte[frame.Length * (1_000_000 / frame.Length)];
            for (var offset = 0; offset < chunk.Length; offset += frame.Length) frame.CopyTo(chunk, offset);
            long written = 0;
            try
            {
                while (true) written += await _socket.SendAsync(chunk, SocketFlags.None, cancellation);
            }
            catch (Exception) when (cancellation.IsCancellationRequested || written > 0)
            {
                // time is up (the pending write is abandoned), or the server closed the connection
            }
            return written;
        }

        /// <summary>A masked text frame (a client must mask; the all-zero key leaves the payload as it is).</summary>
        private static byte[] Frame(string text)
        {
            var payload = Encoding.UTF8.GetBytes(text);
            var header = payload.Length < 126 ? new byte[] { 0x81, (byte)(0x80 | payload.Length) }
                : new byte[] { 0x81, 0x80 | 126, (byte)(payload.Length >> 8), (byte)payload.Length };
            return [.. header, 0, 0, 0, 0, .. payload];
        }

        public void Dispose() => _socket.Dispose();
    }

    /// <summary>A Socket.IO v5 client over a WebSocket, on "/": answers pings and matches acks.</summary>
    private sealed class RawClient : IDisposable
    {
        private readonly ConcurrentDictionary<int, TaskCompletionSource<string>> _acks = new();
        private int _nextId;

        private RawClient(ClientWebSocket socket) => Socket = socket;

        public ClientWebSocket Socket { get; }

        public static async Task<RawClient> ConnectAsync(string baseUrl)
        {
            var socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(new Uri(baseUrl.Replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"), timeout.Token);
            var client = new RawClient(socket);
            Assert.StartsWith("0{", await client.ReceiveAsync(timeout.Token));
            await client.SendAsync("40");
            string answer;
            while ((answer = await client.ReceiveAsync(timeout.Token)) == "2") await client.SendAsync("3");
            Assert.StartsWith("40{\"sid\":", answer);
            _ = client.ReadLoopAsync();
            return client;
        }

        /// <summary>Emits "message-with-ack" (answered with its arguments) and returns the ack's arguments.</summary>
        public async Task<string> EmitWithAckAsync(string text)
        {
            var id = Interlocked.Increment(ref _nextId);
            var ack = _acks[id] = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            await SendAsync($"42{id}[\"message-with-ack\",\"{text}\"]");
            return await ack.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        private Task SendAsync(string text) =>
            Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

        private async Task<string> ReceiveAsync(CancellationToken token)
        {
            var buffer = new byte[64 * 1024];
            var length = 0;
            while (true)
            {
                var result = await Socket.ReceiveAsync(buffer.AsMemory(length), token);
                if (result.MessageType == WebSocketMessageType.Close) throw new WebSocketException("closed by the server");
                length += result.Count;
                if (result.EndOfMessage) return Encoding.UTF8.GetString(buffer, 0, length);
            }
        }

        private async Task ReadLoopAsync()
        {
            try
            {
                while (true)
                {
                    var text = await ReceiveAsync(CancellationToken.None);
                    if (text == "2") await SendAsync("3");
                    else if (text.StartsWith("43", StringComparison.Ordinal))
                    {
                        var bracket = text.IndexOf('[');
                        if (_acks.TryRemove(int.Parse(text[2..bracket]), out var ack)) ack.TrySetResult(text[bracket..]);
                    }
                }
            }
            catch (Exception ex)
            {
                foreach (var ack in _acks.Values) ack.TrySetException(ex);
            }
        }

        public void Dispose() => Socket.Dispose();
    }
}

/// <summary>
/// The protocol profile with Node's default heartbeat: the profile's 300/200 ms one closes a client whose pong is
/// 200 ms late, which two processes busy with a flood on a shared machine cannot promise.
/// </summary>
public sealed class FloodServerFixture : ServerFixture
{
    protected override string? Profile => "protocol";

    protected override IReadOnlyList<string> ExtraArguments =>
        ["--SocketIO:Engine:PingInterval", "25000", "--SocketIO:Engine:PingTimeout", "20000"];
}

/// <summary>The flood test measures the gateway's memory: it has its server to itself, and runs alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FloodServerCollection : ICollectionFixture<FloodServerFixture>
{
    public const string Name = "E2E flood server";
}
