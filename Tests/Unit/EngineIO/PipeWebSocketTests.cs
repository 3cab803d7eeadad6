using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using OrleansSocket.Gateway.EngineIO.Takeover;
using static OrleansSocket.Tests.EngineIO.TestPipes;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>
/// <see cref="PipeWebSocket"/>, the server's framing on the connection's pipe: against .NET's own client WebSocket,
/// and against raw frames for what a well-behaved client never sends.
/// </summary>
public sealed class PipeWebSocketTests
{
    // ---------------- against .NET's client ----------------

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(125)]
    [InlineData(126)] // 16-bit length
    [InlineData(70_000)] // 64-bit length
    public async Task Messages_GoBothWays_AtEveryLengthEncoding(int length)
    {
        var (server, client) = Sockets();
        var text = new string('é', length / 2) + new string('x', length % 2);
        var binary = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

        // Sent while the other end receives: a message over the pipe's 64 KB waits for the reader.
        var sending = SendBothAsync(client, text, binary);
        Assert.Equal(Message(WebSocketMessageType.Text, Encoding.UTF8.GetBytes(text)), await ReceiveMessageAsync(server));
        Assert.Equal(Message(WebSocketMessageType.Binary, binary), await ReceiveMessageAsync(server));
        await sending;

        sending = SendBothAsync(server, text, binary);
        Assert.Equal(Message(WebSocketMessageType.Text, Encoding.UTF8.GetBytes(text)), await ReceiveMessageAsync(client));
        Assert.Equal(Message(WebSocketMessageType.Binary, binary), await ReceiveMessageAsync(client));
        await sending;

        static async Task SendBothAsync(WebSocket socket, string text, byte[] binary)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, default);
            await socket.SendAsync(binary, WebSocketMessageType.Binary, true, default);
        }
    }

    [Fact]
    public async Task APrefixAndItsData_GoAsOneMessage()
    {
        var (server, client) = Sockets();

        await ((PipeWebSocket)server).SendAsync("4"u8.ToArray(), "hello"u8.ToArray(), WebSocketMessageType.Text, true, default);

        Assert.Equal(Message(WebSocketMessageType.Text, "4hello"u8.ToArray()), await ReceiveMessageAsync(client));
    }

    [Fact]
    public async Task Fragments_MakeOneMessage_BothWays()
    {
        var (server, client) = Sockets();

        await client.SendAsync("Hel"u8.ToArray(), WebSocketMessageType.Text, false, default);
        await client.SendAsync("lo"u8.ToArray(), WebSocketMessageType.Text, true, default);
        var first = await server.ReceiveAsync(new byte[16].AsMemory(), default);
        Assert.Equal((3, false), (first.Count, first.EndOfMessage));
        Assert.Equal(Message(WebSocketMessageType.Text, "lo"u8.ToArray()), await ReceiveMessageAsync(server));

        await server.SendAsync("wor"u8.ToArray(), WebSocketMessageType.Binary, false, default);
        await server.SendAsync("ld"u8.ToArray(), WebSocketMessageType.Binary, true, default);
        Assert.Equal(Message(WebSocketMessageType.Binary, "world"u8.ToArray()), await ReceiveMessageAsync(client));
    }

    [Fact]
    public async Task AnEmptyReceive_WaitsForAFrame_AndTakesNoneOfItsPayload()
    {
        var (server, client) = Sockets();
        var waiting = server.ReceiveAsync(Memory<byte>.Empty, default);
        Assert.False(waiting.IsCompleted);

        await client.SendAsync("4abc"u8.ToArray(), WebSocketMessageType.Text, true, default);
        var header = await waiting;

        Assert.Equal((0, WebSocketMessageType.Text, false), (header.Count, header.MessageType, header.EndOfMessage));
        Assert.Equal(Message(WebSocketMessageType.Text, "4abc"u8.ToArray()), await ReceiveMessageAsync(server));
    }

    [Fact]
    public async Task TheClientsClose_IsReceived_AndAnsweredByCloseOutput()
    {
        var (server, client) = Sockets();

        var closing = client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", default);
        var close = await server.ReceiveAsync(new byte[16].AsMemory(), default);
        Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        Assert.Equal((WebSocketState.CloseReceived, WebSocketCloseStatus.NormalClosure, "bye"),
            (server.State, server.CloseStatus, server.CloseStatusDescription));
        await server.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, default);
        await closing;

        Assert.Equal((WebSocketState.Closed, WebSocketState.Closed), (server.State, client.State));
    }

    [Fact]
    public async Task TheServersClose_CarriesItsCode_AndEndsWithTheClientsAnswer()
    {
        var (server, client) = Sockets();

        await server.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, null, default);
        Assert.Equal(WebSocketState.CloseSent, server.State);
        var received = await client.ReceiveAsync(new byte[16], default);
        Assert.Equal((WebSocketMessageType.Close, WebSocketCloseStatus.MessageTooBig), (received.MessageType, received.CloseStatus));
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, default);
        var answer = await server.ReceiveAsync(new byte[16].AsMemory(), default);

        Assert.Equal((WebSocketMessageType.Close, WebSocketState.Closed), (answer.MessageType, server.State));
        await Assert.ThrowsAsync<WebSocketException>(() => server.SendAsync("x"u8.ToArray(), WebSocketMessageType.Text, true, default));
    }

    // ---------------- raw frames ----------------

    [Fact]
    public async Task APing_IsAnsweredWithAPongOfItsPayload_AndPongsAreDropped()
    {
        var (connection, client) = Pipes();
        using var server = new PipeWebSocket(connection);

        byte[] frames = [.. ClientFrame(0x89, "tick"u8), .. ClientFrame(0x8A, "late"u8), .. ClientFrame(0x82, [7])];
        await client.Output.WriteAsync(frames);
        var message = await ReceiveMessageAsync(server);

        Assert.Equal(Message(WebSocketMessageType.Binary, [7]), message);
        byte[] pong = [0x8A, 4, .. "tick"u8];
        Assert.Equal(pong, await ReadBytesAsync(client.Input));
    }

    [Fact]
    public async Task AHeaderAndPayloadArrivingAByteAtATime_MakeTheMessage()
    {
        var (connection, client) = Pipes();
        using var server = new PipeWebSocket(connection);
        var receiving = ReceiveMessageAsync(server);

        foreach (var b in ClientFrame(0x81, "4hello"u8)) await client.Output.WriteAsync(new[] { b });

        Assert.Equal(Message(WebSocketMessageType.Text, "4hello"u8.ToArray()), await receiving);
    }

    [Fact]
    public async Task ACharacterSplitBetweenFragments_IsUtf8()
    {
        var (connection, client) = Pipes();
        using var server = new PipeWebSocket(connection);
        var euro = "€"u8.ToArray(); // three bytes

        byte[] frames = [.. ClientFrame(0x01, euro.AsSpan(0, 1)), .. ClientFrame(0x80, euro.AsSpan(1))];
        await client.Output.WriteAsync(frames);

        Assert.Equal(Message(WebSocketMessageType.Text, euro), await ReceiveMessageAsync(server));
    }

    public static TheoryData<string, byte[], WebSocketCloseStatus> Breaches => new()
    {
        { "unmasked", ClientFrame(0x81, "4x"u8, masked: false), WebSocketCloseStatus.ProtocolError },
        { "reserved bit", ClientFrame(0xC1, "4x"u8), WebSocketCloseStatus.ProtocolError },
        { "unknown opcode", ClientFrame(0x83, "4x"u8), WebSocketCloseStatus.ProtocolError },
        { "control frame over 125 bytes", ClientFrame(0x89, new byte[126]), WebSocketCloseStatus.ProtocolError },
        { "fragmented control frame", ClientFrame(0x09, "p"u8), WebSocketCloseStatus.ProtocolError },
        { "continuation with no message", ClientFrame(0x80, "4x"u8), WebSocketCloseStatus.ProtocolError },
        { "new message inside a fragmented one", [.. ClientFrame(0x01, "4"u8), .. ClientFrame(0x81, "x"u8)], WebSocketCloseStatus.ProtocolError },
        { "64-bit length with its top bit set", [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4], WebSocketCloseStatus.ProtocolError },
        { "one-byte close payload", ClientFrame(0x88, [3]), WebSocketCloseStatus.ProtocolError },
        { "close code 1005", ClientFrame(0x88, [0x03, 0xED]), WebSocketCloseStatus.ProtocolError },
        { "close reason not UTF-8", ClientFrame(0x88, [0x03, 0xE8, 0xC3]), WebSocketCloseStatus.ProtocolError },
        { "text not UTF-8", ClientFrame(0x81, [0x34, 0xFF]), WebSocketCloseStatus.InvalidPayloadData },
        { "text ending in half a character", ClientFrame(0x81, [0x34, 0xE2, 0x82]), WebSocketCloseStatus.InvalidPayloadData },
    };

    [Theory]
    [MemberData(nameof(Breaches))]
    public async Task ABreach_FailsTheSocket_WithItsCloseCode(string breach, byte[] frames, WebSocketCloseStatus code)
    {
        var (connection, client) = Pipes();
        using var server = new PipeWebSocket(connection);

        await client.Output.WriteAsync(frames);
        await Assert.ThrowsAsync<WebSocketException>(() => ReceiveMessageAsync(server));

        var close = await ReadBytesAsync(client.Input);
        Assert.True(close is [0x88, 2, ..], breach);
        Assert.Equal((ushort)code, BinaryPrimitives.ReadUInt16BigEndian(close.AsSpan(2)));
        Assert.Equal(WebSocketState.Aborted, server.State);
    }

    [Fact]
    public async Task TheConnectionEndingInsideAFrame_FailsTheReceive()
    {
        var (connection, client) = Pipes();
        using var server = new PipeWebSocket(connection);

        await client.Output.WriteAsync(ClientFrame(0x81, "4hello"u8).AsMemory(0, 8));
        await client.Output.CompleteAsync();

        var failure = await Assert.ThrowsAsync<WebSocketException>(() => ReceiveMessageAsync(server));
        Assert.Equal(WebSocketError.ConnectionClosedPrematurely, failure.WebSocketErrorCode);
    }

    // ---------------- waking what waits ----------------

    [Fact]
    public async Task Abort_WakesAWaitingReceive()
    {
        var (connection, _) = Pipes();
        using var server = new PipeWebSocket(connection);
        var waiting = server.ReceiveAsync(new byte[16].AsMemory(), default).AsTask();

        server.Abort();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(WebSocketState.Aborted, server.State);
    }

    [Fact]
    public async Task CancelingAWaitingReceive_AbortsTheSocket()
    {
        var (connection, _) = Pipes();
        using var server = new PipeWebSocket(connection);
        using var cancel = new CancellationTokenSource();
        var waiting = server.ReceiveAsync(new byte[16].AsMemory(), cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(WebSocketState.Aborted, server.State);
    }

    [Fact]
    public async Task ASendTheClientDoesNotRead_WaitsForRoom_AndAbortEndsIt()
    {
        var (connection, client) = Pipes(new PipeOptions(pauseWriterThreshold: 64, resumeWriterThreshold: 32));
        using var server = new PipeWebSocket(connection);

        var stuck = server.SendAsync(new byte[100], WebSocketMessageType.Binary, true, default);
        Assert.False(stuck.IsCompleted);
        var queued = server.SendAsync(new byte[1], WebSocketMessageType.Binary, true, default);
        Assert.False(queued.IsCompleted); // one send at a time: it waits for the first
        server.Abort();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stuck);
        await Assert.ThrowsAnyAsync<WebSocketException>(() => queued);
        Assert.True(client.Input.TryRead(out var sent));
        Assert.Equal(102, sent.Buffer.Length); // the first frame only: 2 bytes of header and its payload
    }

    // ---------------- on the connection's socket ----------------

    [Fact]
    public async Task OnItsSocket_AFrameGoesStraightToIt_NotThroughThePipe()
    {
        var (connection, client) = Pipes();
        var (socket, peer) = await TcpPairAsync();
        using (socket)
        using (peer)
        using (var server = new PipeWebSocket(connection, socket))
        {
            var sending = ((PipeWebSocket)server).SendAsync("4"u8.ToArray(), "hello"u8.ToArray(), WebSocketMessageType.Text, true, default);

            Assert.True(sending.IsCompletedSuccessfully); // sent on the caller's thread, nothing to wait for
            Assert.Equal("8106346865" + "6C6C6F", Convert.ToHexString(await ReadExactlyAsync(peer, 8)));
            Assert.False(client.Input.TryRead(out _));
        }
    }

    [Fact]
    public async Task OnItsSocket_FromTheFirstFrameTheKernelDoesNotTakeWhole_EveryByteGoesThroughThePipe_InOrder()
    {
        var (connection, client) = Pipes(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
        var (socket, peer) = await TcpPairAsync();
        using (socket)
        using (peer)
        using (var server = new PipeWebSocket(connection, socket))
        {
            socket.SendBufferSize = 4096;
            peer.ReceiveBufferSize = 4096;
            // The peer reads nothing: frames go on the socket until its buffers are full, then into the pipe.
            var frames = 0;
            ReadResult inPipe;
            while (!client.Input.TryRead(out inPipe))
            {
                Assert.True(frames < 100_000, "the socket never refused a frame");
                await server.SendAsync(Payload(frames++), WebSocketMessageType.Binary, true, default);
            }
            client.Input.AdvanceTo(inPipe.Buffer.Start); // nothing taken: read again below, from the start
            for (var i = 0; i < 3; i++) await server.SendAsync(Payload(frames++), WebSocketMessageType.Binary, true, default);

            // What the socket took, then what the pipe holds (Kestrel's send loop sends it after): the frames in order.
            peer.Blocking = false;
            var bytes = new List<byte>();
            var buffer = new byte[65536];
            while (peer.Receive(buffer, SocketFlags.None, out var error) is var n && error == SocketError.Success && n > 0) bytes.AddRange(buffer.AsSpan(0, n));
            Assert.True(bytes.Count > 0);
            var piped = await client.Input.ReadAsync();
            bytes.AddRange(piped.Buffer.ToArray());
            var all = bytes.ToArray();
            var offset = 0;
            for (var i = 0; i < frames; i++)
            {
                Assert.Equal(0x82, all[offset]);
                Assert.Equal(126, all[offset + 1]); // a 16-bit length: 1 000
                Assert.Equal(Payload(i), all.AsSpan(offset + 4, 1000).ToArray());
                offset += 4 + 1000;
            }
            Assert.Equal(all.Length, offset);
        }

        static byte[] Payload(int i) => Enumerable.Repeat((byte)(i % 251), 1000).ToArray();
    }

    [Fact]
    public async Task OnItsSocket_TheHandshakesAnswerGoesAheadOfTheFrames_OnTheSocket()
    {
        var (connection, client) = Pipes();
        var (socket, peer) = await TcpPairAsync();
        using (socket)
        using (peer)
        using (var server = new PipeWebSocket(connection, socket))
        {
            Assert.True(await server.OpenAsync("HTTP/1.1 101 \r\n\r\n"u8.ToArray(), default));
            await server.SendAsync("hi"u8.ToArray(), WebSocketMessageType.Text, true, default);

            Assert.Equal("HTTP/1.1 101 \r\n\r\n" + "\u0081\u0002hi", Encoding.Latin1.GetString(await ReadExactlyAsync(peer, 21)));
            Assert.False(client.Input.TryRead(out _));
        }
    }

    [Fact]
    public async Task OnASocketDisposedUnderIt_EveryByteGoesThroughThePipe()
    {
        var (connection, client) = Pipes();
        var (socket, peer) = await TcpPairAsync();
        using (peer)
        using (var server = new PipeWebSocket(connection, socket))
        {
            socket.Dispose(); // the connection ended between the takeover and the first send
            Assert.True(await server.OpenAsync("HTTP/1.1 101 \r\n\r\n"u8.ToArray(), default));
            await server.SendAsync("hi"u8.ToArray(), WebSocketMessageType.Text, true, default);

            var piped = await client.Input.ReadAsync();
            Assert.Equal("HTTP/1.1 101 \r\n\r\n" + "\u0081\u0002hi", Encoding.Latin1.GetString(piped.Buffer.ToArray()));
        }
    }

    // ---------------- helpers ----------------

    /// <summary>Both ends of a loopback TCP connection; the server's end non-blocking, as the takeover makes it.</summary>
    private static async Task<(Socket Server, Socket Peer)> TcpPairAsync()
    {
        var (server, peer) = await LoopbackTcp.PairAsync();
        server.Blocking = false;
        return (server, peer);
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        var bytes = new byte[count];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        for (var read = 0; read < count;) read += await socket.ReceiveAsync(bytes.AsMemory(read), SocketFlags.None, timeout.Token);
        return bytes;
    }

    /// <summary>Our server and .NET's client on the two ends of one connection.</summary>
    private static (WebSocket Server, WebSocket Client) Sockets()
    {
        var (connection, client) = Pipes();
        var clientSocket = WebSocket.CreateFromStream(new DuplexPipeStream(client), new WebSocketCreationOptions { KeepAliveInterval = TimeSpan.Zero });
        return (new PipeWebSocket(connection), clientSocket);
    }

    /// <summary>The next whole message, its bytes as hex (tuples compare arrays by reference).</summary>
    private static async Task<(WebSocketMessageType Type, string Hex)> ReceiveMessageAsync(WebSocket socket)
    {
        var message = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), default);
            message.AddRange(buffer.AsSpan(0, result.Count));
            if (result.EndOfMessage) return (result.MessageType, Convert.ToHexString([.. message]));
        }
    }

    private static (WebSocketMessageType, string) Message(WebSocketMessageType type, byte[] data) => (type, Convert.ToHexString(data));

    private static async Task<byte[]> ReadBytesAsync(PipeReader reader)
    {
        var read = await reader.ReadAsync();
        var bytes = read.Buffer.ToArray();
        reader.AdvanceTo(read.Buffer.End);
        return bytes;
    }
}
