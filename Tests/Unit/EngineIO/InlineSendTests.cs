using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Tests.Handlers;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>
/// Who sends on a WebSocket session: an ack queued while the writer task waits with nothing queued is sent by the
/// queuing thread itself; when that send pends, or more is queued meanwhile, the writer takes over in order. The
/// socket is a real <see cref="WebSocket"/> over a stream whose writes the test can hold.
/// </summary>
public sealed class InlineSendTests
{
    private const string StillOpen = "(open)";

    private readonly FakeTimeProvider _clock = new();
    private readonly RecordingApplication _application = new();

    [Fact]
    public async Task Ack_OnAnIdleWriter_IsSentByTheCallingThread()
    {
        var (session, _, stream) = await OpenAsync();

        Assert.True(HeldStream.AsCaller(() => session.SendInline(Bytes("3a"), [])));

        // Written before the call returned, by the call itself, and no longer counted as held.
        Assert.Equal(["0{}", "43a"], stream.Frames());
        Assert.Equal(1, stream.WritesByCaller);
        Assert.Equal(0, session.BufferedBytes);
    }

    [Fact]
    public async Task Ack_ThroughThePacketWriter_IsAReplySentInline()
    {
        var (session, _, stream) = await OpenAsync();
        var writer = new OrleansSocket.Gateway.Sessions.PacketWriter(session, 5);

        Assert.True(HeldStream.AsCaller(() => writer.Ack("/", 1, new SocketPayload("[\"x\"]"u8.ToArray()))));

        Assert.Equal(["0{}", "431[\"x\"]"], stream.Frames());
        Assert.Equal(1, stream.WritesByCaller);
    }

    [Fact]
    public async Task Ack_WithAttachments_AllFramesGoInlineInOrder()
    {
        var (session, _, stream) = await OpenAsync();

        Assert.True(session.SendInline(Bytes("61-3[{\"_placeholder\":true,\"num\":0}]"), [Bytes("bin")]));

        Assert.Equal(["0{}", "461-3[{\"_placeholder\":true,\"num\":0}]", "bin:62696e"], stream.Frames());
        Assert.Equal(0, session.BufferedBytes);
    }

    [Fact]
    public async Task Event_IsNotSentInline_TheWriterSendsIt()
    {
        var (session, _, stream) = await OpenAsync();

        Assert.True(HeldStream.AsCaller(() => session.SendWithAttachments(Bytes("2[\"e\"]"), [])));

        await stream.WaitForFramesAsync(2);
        Assert.Equal(["0{}", "42[\"e\"]"], stream.Frames());
        Assert.Equal(0, stream.WritesByCaller); // the writer task wrote it
    }

    [Fact]
    public async Task InlineSendThatPends_TheWriterContinuesInOrder()
    {
        var (session, _, stream) = await OpenAsync();
        stream.Hold();

        Assert.True(session.SendInline(Bytes("3a"), [])); // pends: returns without waiting
        Assert.True(session.SendWithAttachments(Bytes("2b"), []));
        Assert.True(session.SendInline(Bytes("3c"), [])); // an inline send runs: queued
        Assert.Equal(6, session.BufferedBytes); // the pending one is still held

        stream.Release();
        await stream.WaitForFramesAsync(4);
        Assert.Equal(["0{}", "43a", "42b", "43c"], stream.Frames());
        await WaitUntilAsync(() => session.BufferedBytes == 0);
        Assert.Equal(StillOpen, Reason(session));
    }

    [Fact]
    public async Task ConcurrentAcksAndEvents_EachThreadsOrderIsKept()
    {
        var (session, _, stream) = await OpenAsync();
        const int Threads = 4;
        const int PerThread = 300;

        var senders = Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                var text = Bytes($"{t}:{i}");
                Assert.True(i % 3 == 0 ? session.SendWithAttachments(text, []) : session.SendInline(text, []));
            }
        })).ToArray();
        await Task.WhenAll(senders);
        await stream.WaitForFramesAsync(1 + Threads * PerThread);

        var frames = stream.Frames().Skip(1).ToList();
        Assert.Equal(Threads * PerThread, frames.Count);
        for (var t = 0; t < Threads; t++)
        {
            var sequence = frames.Where(f => f.StartsWith($"4{t}:", StringComparison.Ordinal))
                .Select(f => int.Parse(f[(f.IndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Enumerable.Range(0, PerThread), sequence);
        }
        await WaitUntilAsync(() => session.BufferedBytes == 0);
    }

    [Fact]
    public async Task GracefulClose_DuringAnInlineSend_SendsItThenCloses()
    {
        var (session, _, stream) = await OpenAsync();
        stream.Hold();
        Assert.True(session.SendInline(Bytes("3a"), []));

        session.Close(); // the close marker waits behind the inline send
        Assert.Equal(StillOpen, Reason(session));

        stream.Release();
        await _application[session.Id].Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("forced close", Reason(session));
        await stream.WaitForFramesAsync(3);
        Assert.Equal(["0{}", "43a", "close"], stream.Frames());
    }

    [Fact]
    public async Task Terminate_DuringAStuckInlineSend_AbortsItAfterTheCloseTimeout()
    {
        var (session, transport, stream) = await OpenAsync();
        stream.Hold();
        Assert.True(session.SendInline(Bytes("3a"), []));

        session.Terminate(EngineCloseReason.PingTimeout);
        Assert.Equal("ping timeout", Reason(session));
        Assert.False(session.SendInline(Bytes("3b"), [])); // closed: nothing more is taken

        // The client never reads: the close timer aborts the send, and the transport finishes.
        _clock.Advance(TimeSpan.FromSeconds(5));
        await stream.Aborted.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["0{}"], stream.Frames());
        Assert.False(session.SendWithAttachments(Bytes("3c"), []));
        transport.Dispose();
    }

    [Fact]
    public async Task ClientLeaves_DuringAStuckInlineSend_TheSocketEndsOnlyAfterIt()
    {
        var (session, transport, stream) = await OpenAsync();
        var run = transport.RunAsync(); // the receive loop: reads wait until the client leaves
        stream.Hold();
        Assert.True(session.SendInline(Bytes("3a"), [])); // pends: the client does not read

        stream.EndOfInput(); // the client is gone: the receive loop ends, the session closes
        await _application[session.Id].Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(run.IsCompleted); // the inline send still holds the socket

        // The close timer aborts the stuck send; only then does the socket's run end (and the socket may be disposed).
        _clock.Advance(TimeSpan.FromSeconds(5));
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(stream.Aborted.IsCompleted);
        Assert.Equal(0, session.BufferedBytes); // cleared with the session; nothing of the ack is still counted
        transport.Dispose();
    }

    [Fact]
    public async Task ClientClose_WhileTheServersCloseFrameIsHeld_TheSocketsRunWaitsForTheFrame()
    {
        var (session, transport, stream) = await OpenAsync();
        stream.Hold();
        var run = transport.RunAsync();
        stream.Input(ClientCloseFrame); // the client closes: the session ends and the server's close frame is written (held)
        Assert.Equal("transport close", await _application[session.Id].Closed.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        // The request, and with it the connection, ends when the run returns: only once the close frame is out, or the
        // client sees the connection go without a close handshake (it returned as soon as a close was under way: about
        // 1 in 400 closes under load, Upgrade_OnTheOtherGateway_ProbeUpgradeAndFramesBothWays among them).
        Assert.NotSame(run, await Task.WhenAny(run, Task.Delay(300)));
        stream.Release();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["0{}", "close"], stream.Frames());
        transport.Dispose();
    }

    [Fact]
    public async Task EventFromTheGrains_ThroughThePacketWriter_IsSentByTheDeliveringThread()
    {
        var (session, _, stream) = await OpenAsync();
        var writer = new OrleansSocket.Gateway.Sessions.PacketWriter(session, 5);
        var packet = OrleansSocket.Gateway.Protocol.SocketIOEncoder.EncodeEvent("/", "m", "[1]"u8.ToArray(), []);

        Assert.True(HeldStream.AsCaller(() => writer.Write(packet, inline: true)));

        Assert.Equal(["0{}", "42[\"m\",1]"], stream.Frames());
        Assert.Equal(1, stream.WritesByCaller);
        Assert.Equal(0, session.BufferedBytes);
    }

    [Fact]
    public async Task Broadcast_OneThreadWritesToEachSession_OneThatPendsHoldsUpNoOther()
    {
        var sessions = new List<(EngineSession Session, WebSocketTransport Transport, HeldStream Stream)>();
        for (var i = 0; i < 3; i++) sessions.Add(await OpenAsync());
        sessions[1].Stream.Hold(); // this client does not read
        var frame = Bytes("2[\"b\"]"); // one buffer shared by every session, as a broadcast's encoding is

        // One delivering thread, one session after another: none waits for the held one.
        var sent = HeldStream.AsCaller(() => sessions.Select(s => s.Session.SendInline(frame, [])).ToList());

        Assert.Equal([true, true, true], sent);
        Assert.Equal(["0{}", "42[\"b\"]"], sessions[0].Stream.Frames());
        Assert.Equal(["0{}", "42[\"b\"]"], sessions[2].Stream.Frames());
        Assert.Equal(1, sessions[0].Stream.WritesByCaller);
        Assert.Equal(1, sessions[2].Stream.WritesByCaller);
        Assert.Equal(["0{}"], sessions[1].Stream.Frames());
        Assert.Equal(frame.Length, sessions[1].Session.BufferedBytes); // in flight: still counted

        // The next broadcast queues behind the pending send, and the writer sends both in order once the client reads.
        Assert.True(sessions[1].Session.SendInline(Bytes("2[\"c\"]"), []));
        sessions[1].Stream.Release();
        await sessions[1].Stream.WaitForFramesAsync(3);
        Assert.Equal(["0{}", "42[\"b\"]", "42[\"c\"]"], sessions[1].Stream.Frames());
        await WaitUntilAsync(() => sessions[1].Session.BufferedBytes == 0);
    }

    [Fact]
    public async Task VolatileBroadcast_BehindAPendingSend_DroppedAtThePacketBound_OthersMakeRoom()
    {
        var (session, _, stream) = await OpenAsync(maxPackets: 2);
        stream.Hold();

        Assert.True(session.SendInline(Bytes("v1"), [], isVolatile: true)); // sent inline; pends
        Assert.True(session.SendInline(Bytes("v2"), [], isVolatile: true)); // queued: 1 of 2
        Assert.True(session.SendInline(Bytes("v3"), [], isVolatile: true)); // queued: 2 of 2
        Assert.False(session.SendInline(Bytes("v4"), [], isVolatile: true)); // no room: dropped
        Assert.True(session.SendInline(Bytes("m5"), [])); // not volatile: the oldest queued volatile (v2) makes room
        Assert.Equal(StillOpen, Reason(session));

        stream.Release();
        await stream.WaitForFramesAsync(4);
        Assert.Equal(["0{}", "4v1", "4v3", "4m5"], stream.Frames());
        await WaitUntilAsync(() => session.BufferedBytes == 0);
    }

    [Fact]
    public async Task Broadcast_BehindAPendingSend_PastTheByteBound_ClosesTheSession()
    {
        var (session, _, stream) = await OpenAsync(maxBytes: 10);
        stream.Hold();

        Assert.True(session.SendInline(Bytes("12345678"), [])); // sent inline; pends, its 8 bytes still held
        Assert.False(session.SendInline(Bytes("abc"), [])); // 11 > 10, nothing volatile to drop: the session ends

        Assert.Equal("transport error", Reason(session));
    }

    // ---------------- helpers ----------------

    /// <summary>A client's close frame, status 1000 (masked, as a client sends it; with a zero mask the payload is as is).</summary>
    private static readonly byte[] ClientCloseFrame = [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE8];

    /// <summary>A WebSocket session whose writer has sent the open packet and waits.</summary>
    private async Task<(EngineSession Session, WebSocketTransport Transport, HeldStream Stream)> OpenAsync(int maxPackets = 4096, long maxBytes = 4_000_000)
    {
        var options = new EngineIOOptions { PingInterval = 60000, PingTimeout = 60000, MaxBufferedPackets = maxPackets, MaxBufferedBytes = maxBytes };
        var server = new EngineServer(_application, options, new EngineLog(new ListLogger()), _clock);
        var handshake = new EngineHandshake(new Dictionary<string, string>(), new Dictionary<string, string>(), null, "/", false, DateTimeOffset.UnixEpoch);
        var session = new EngineSession(server, Guid.NewGuid().ToString("N"), 4, EngineServer.WebSocketName, handshake, pollingSupportsBinary: true);
        var stream = new HeldStream();
        var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        var transport = new WebSocketTransport(socket, session, supportsBinary: true, CancellationToken.None);
        session.AttachInitialWebSocket(transport);
        session.Open("{}"u8.ToArray(), _application);
        transport.StartWriter();
        await stream.WaitForFramesAsync(1);
        await WaitUntilAsync(() => transport.IsWriterIdle);
        return (session, transport, stream);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // A bound on how long a broken test hangs, not a timing assertion.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition()) await Task.Delay(5, limit.Token);
    }

    private string Reason(EngineSession session) =>
        _application[session.Id].Closed.Task is { IsCompleted: true } closed ? closed.Result : StillOpen;

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>
    /// The server's side of the socket: records every write (and the thread that made it) and decodes the frames
    /// (unmasked, as a server sends them); while held, writes wait until released or cancelled.
    /// </summary>
    private sealed class HeldStream : Stream
    {
        private readonly object _lock = new();
        private readonly MemoryStream _written = new();
        private TaskCompletionSource _gate = Completed();
        private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _endOfInput = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly System.Threading.Channels.Channel<byte[]> _input = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        [ThreadStatic] private static bool _inCall;
        private int _writesByCaller;

        /// <summary>Writes made synchronously inside a call the test made through <see cref="AsCaller"/>.</summary>
        public int WritesByCaller => Volatile.Read(ref _writesByCaller);
        public Task Aborted => _aborted.Task;

        /// <summary>Runs <paramref name="call"/>, marking the writes it makes on this thread before it returns.</summary>
        public static T AsCaller<T>(Func<T> call)
        {
            _inCall = true;
            try
            {
                return call();
            }
            finally
            {
                _inCall = false;
            }
        }

        /// <summary>What the client sends: a read waiting (or to come) gets these bytes.</summary>
        public void Input(byte[] bytes) => _input.Writer.TryWrite(bytes);

        /// <summary>The client leaves: a read waiting (or to come) sees the end of the stream.</summary>
        public void EndOfInput() => _endOfInput.TrySetResult();

        public void Hold()
        {
            lock (_lock) _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public void Release()
        {
            lock (_lock) _gate.TrySetResult();
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_inCall) Interlocked.Increment(ref _writesByCaller);
            Task gate;
            lock (_lock) gate = _gate.Task;
            if (!gate.IsCompleted)
            {
                try
                {
                    await gate.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    _aborted.TrySetResult();
                    throw;
                }
            }
            lock (_lock) _written.Write(buffer.Span);
        }

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        protected override void Dispose(bool disposing)
        {
            _aborted.TrySetResult();
            base.Dispose(disposing);
        }

        public async Task WaitForFramesAsync(int count) => await WaitUntilAsync(() => Frames().Count >= count);

        /// <summary>Each whole message: text as it is, binary as "bin:" and hex, a close frame as "close".</summary>
        public List<string> Frames()
        {
            byte[] bytes;
            lock (_lock) bytes = _written.ToArray();
            var frames = new List<string>();
            var message = new List<byte>();
            var opcode = 0;
            var at = 0;
            while (at + 2 <= bytes.Length)
            {
                var fin = (bytes[at] & 0x80) != 0;
                var op = bytes[at] & 0x0F;
                long length = bytes[at + 1] & 0x7F;
                var header = 2;
                if (length == 126)
                {
                    if (at + 4 > bytes.Length) break;
                    length = (bytes[at + 2] << 8) | bytes[at + 3];
                    header = 4;
                }
                if (at + header + length > bytes.Length) break;
                if (op != 0) opcode = op;
                message.AddRange(bytes.AsSpan(at + header, (int)length).ToArray());
                at += header + (int)length;
                if (!fin) continue;
                frames.Add(opcode switch
                {
                    1 => Encoding.UTF8.GetString(message.ToArray()),
                    2 => "bin:" + Convert.ToHexString(message.ToArray()).ToLowerInvariant(),
                    8 => "close",
                    _ => $"op{opcode}",
                });
                message.Clear();
            }
            return frames;
        }

        private static TaskCompletionSource Completed()
        {
            var source = new TaskCompletionSource();
            source.SetResult();
            return source;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => 0;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var input = _input.Reader.WaitToReadAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(input, _endOfInput.Task.WaitAsync(cancellationToken)) != input) return 0; // the end
            // A zero-byte read (the socket waiting for a frame) only learns that there is one.
            if (buffer.IsEmpty || !_input.Reader.TryRead(out var bytes)) return 0;
            // Test frames are small: one read takes a whole one.
            bytes.CopyTo(buffer);
            return bytes.Length;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
