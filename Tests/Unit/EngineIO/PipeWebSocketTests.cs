using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
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

    // ---------------- helpers ----------------

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
