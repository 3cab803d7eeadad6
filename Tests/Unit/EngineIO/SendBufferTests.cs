using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Tests.Handlers;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>
/// The send queue's bounds in packets and bytes (<see cref="EngineIOOptions.MaxBufferedPackets"/>,
/// <see cref="EngineIOOptions.MaxBufferedBytes"/>), on sessions driven directly: nothing drains the queue unless
/// the test takes from it, as a transport would.
/// </summary>
public sealed class SendBufferTests
{
    private const string StillOpen = "(open)";

    private readonly ListLogger _log = new();
    private readonly RecordingApplication _application = new();
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void Bytes_ExactlyAtTheBoundFit_OneByteMoreClosesTheSession()
    {
        var session = OpenDrained(protocol: 4, maxBytes: 1000);
        Assert.True(session.Send(new byte[600], false));
        Assert.True(session.Send(new byte[400], false));
        Assert.Equal(1000, BufferedBytes(session));
        Assert.Equal(StillOpen, Reason(session));

        Assert.False(session.Send(new byte[1], false));
        Assert.Equal("transport error", Reason(session));
        var entry = Assert.Single(Logged());
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal($"Engine.IO session {session.Id}: send queue full (1000 bytes), closing", entry.Message);
        Assert.Null(entry.Exception);
        Assert.False(session.Send(new byte[1], false));
    }

    [Fact]
    public void Bytes_TakenByATransportCountUntilWritten()
    {
        var session = OpenDrained(protocol: 4, maxBytes: 1000);
        Assert.True(session.Send(new byte[1000], false));
        var batch = Take(session);
        Assert.Equal(1000, BufferedBytes(session)); // taken, not yet written: still held

        Release(session, batch.Sum(p => p.Data.Length));
        Assert.Equal(0, BufferedBytes(session));
        Assert.True(session.Send(new byte[1000], false));
        Take(session); // taken and never written: the next byte does not fit
        Assert.False(session.Send(new byte[1], false));
        Assert.Equal("transport error", Reason(session));
    }

    [Fact]
    public async Task Bytes_AreReleasedOnceAPollResponseIsWritten()
    {
        var session = Open(protocol: 4, maxBytes: 1000);
        Assert.True(session.Send(new byte[900], false));
        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;
        await session.Polling!.HandleGetAsync(context, isHandshake: false);
        Assert.True(body.Length > 900); // the open packet and the message
        Assert.Equal(0, BufferedBytes(session));
        Assert.True(session.Send(new byte[1000], false));
    }

    [Fact]
    public async Task Bytes_AreReleasedAsTheWebSocketWriterSendsThem()
    {
        var session = Open(protocol: 4, maxBytes: 1000, writable: true, out var socketStream, out var transport);
        Assert.True(session.Send(new byte[900], false));
        transport.StartWriter();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (BufferedBytes(session) != 0 && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(10);
        Assert.Equal(0, BufferedBytes(session));
        Assert.True(socketStream.Length > 900); // the open packet and the message
        Assert.True(session.Send(new byte[1000], false));
    }

    [Fact]
    public void Bytes_OldestVolatileIsDroppedFirst_AVolatileThatDoesNotFitIsDropped()
    {
        var session = OpenDrained(protocol: 4, maxBytes: 1000, writable: true);
        Assert.True(session.Send(Payload("v1", 300), false, isVolatile: true));
        Assert.True(session.Send(Payload("m1", 300), false));
        Assert.True(session.Send(Payload("v2", 300), false, isVolatile: true));

        // 1200 > 1000: the oldest volatile packet makes room, then the next one.
        Assert.True(session.Send(Payload("m2", 300), false));
        Assert.True(session.Send(Payload("m3", 300), false));
        Assert.Equal(900, BufferedBytes(session));

        // A volatile packet that does not fit is dropped; the session stays open.
        Assert.False(session.Send(Payload("v3", 101), false, isVolatile: true));
        Assert.Equal(StillOpen, Reason(session));
        Assert.True(session.Send(Payload("v4", 100), false, isVolatile: true));
        Assert.Equal(1000, BufferedBytes(session));

        Assert.Equal(["m1", "m2", "m3", "v4"], Take(session).Select(Name));
        Release(session, 1000);

        // Nothing volatile left to drop: a packet past the bound closes the session.
        Assert.True(session.Send(Payload("m4", 1000), false));
        Assert.False(session.Send(Payload("m5", 1), false));
        Assert.Equal("transport error", Reason(session));
    }

    [Fact]
    public void Packets_OldestVolatileIsDroppedFirst_ThenTheSessionCloses()
    {
        var session = OpenDrained(protocol: 4, maxBytes: 1_000_000, maxPackets: 3, writable: true);
        Assert.True(session.Send(Payload("v1", 1), false, isVolatile: true));
        Assert.True(session.Send(Payload("m1", 1), false));
        Assert.True(session.Send(Payload("m2", 1), false));
        Assert.False(session.Send(Payload("v2", 1), false, isVolatile: true));
        Assert.True(session.Send(Payload("m3", 1), false)); // v1 made room
        Assert.False(session.Send(Payload("m4", 1), false));
        Assert.Equal("transport error", Reason(session));
        Assert.Equal($"Engine.IO session {session.Id}: send queue full (3 packets), closing", Assert.Single(Logged()).Message);
    }

    [Fact]
    public void Attachments_AVolatilePacketIsDroppedWithItsAttachments()
    {
        var session = OpenDrained(protocol: 4, maxBytes: 1000, writable: true);
        Assert.True(session.SendWithAttachments(Payload("v1", 10), [Payload("a1", 300), Payload("b1", 300)], isVolatile: true));
        Assert.True(session.Send(Payload("m1", 300), false));
        Assert.Equal(910, BufferedBytes(session));

        // 1110 > 1000: the volatile packet goes, and its attachments with it.
        Assert.True(session.Send(Payload("m2", 200), false));
        Assert.Equal(500, BufferedBytes(session));

        // A volatile packet whose attachments do not fit is not queued at all.
        Assert.False(session.SendWithAttachments(Payload("v2", 10), [Payload("a2", 300), Payload("b2", 300)], isVolatile: true));
        Assert.Equal(500, BufferedBytes(session));
        Assert.Equal(StillOpen, Reason(session));

        // Exactly at the bound, then one byte over: closed.
        Assert.True(session.SendWithAttachments(Payload("m3", 100), [Payload("a3", 400)]));
        Assert.Equal(["m1", "m2", "m3", "a3"], Take(session).Select(Name));
        Assert.Equal(1000, BufferedBytes(session));
        Assert.False(session.SendWithAttachments(Payload("m4", 1), [Payload("a4", 1)]));
        Assert.Equal("transport error", Reason(session));
    }

    [Fact]
    public void Attachments_OfAPacketAlreadyTakenAreNeverDropped()
    {
        var session = OpenDrained(protocol: 4, maxBytes: 1000, writable: true);
        Assert.True(session.SendWithAttachments(Payload("v1", 10), [Payload("a1", 300), Payload("b1", 300)], isVolatile: true));
        var batch = new List<QueuedPacket>();
        session.Take(batch, 1); // the writer took the text packet: the client expects both attachments
        Assert.Equal(["v1"], batch.Select(Name));

        // Making room would need the attachments: the session closes instead of sending the client a broken packet.
        Assert.False(session.Send(Payload("m1", 400), false));
        Assert.Equal("transport error", Reason(session));
    }

    [Fact]
    public void Attachments_CountAgainstThePacketBound()
    {
        var session = OpenDrained(protocol: 4, maxBytes: 1_000_000, maxPackets: 3, writable: true);
        Assert.True(session.SendWithAttachments(Payload("v1", 2), [Payload("a1", 2)], isVolatile: true));
        Assert.False(session.SendWithAttachments(Payload("v2", 2), [Payload("a2", 2)], isVolatile: true)); // 4 packets
        Assert.True(session.SendWithAttachments(Payload("m1", 2), [Payload("a1", 2), Payload("b1", 2)])); // v1 made room
        Assert.Equal(["m1", "a1", "b1"], Take(session).Select(Name));
    }

    [Fact]
    public async Task V3PongsCount_APingWhosePongDoesNotFitClosesTheSession()
    {
        var session = OpenDrained(protocol: 3, maxBytes: 100);
        Assert.True(await session.Polling!.ReceivePayloadAsync(V3Pings(60, 40), binaryFraming: false));
        Assert.Equal(100, BufferedBytes(session)); // exactly at the bound
        Assert.Equal(StillOpen, Reason(session));
        Assert.All(Take(session), p => Assert.Equal(EnginePacketType.Pong, p.Type));

        // Taken but not written, the pongs still count: one more byte of ping data closes the session.
        Assert.True(await session.Polling!.ReceivePayloadAsync(V3Pings(1), binaryFraming: false));
        Assert.Equal("transport error", Reason(session));
        Assert.Equal($"Engine.IO session {session.Id}: send queue full (100 bytes), closing", Assert.Single(Logged()).Message);
    }

    [Fact]
    public async Task V3PongsCount_AgainstThePacketBound()
    {
        var session = OpenDrained(protocol: 3, maxBytes: 1_000_000, maxPackets: 2);
        Assert.True(await session.Polling!.ReceivePayloadAsync(V3Pings(0, 0), binaryFraming: false));
        Assert.Equal(StillOpen, Reason(session));
        Assert.True(await session.Polling!.ReceivePayloadAsync(V3Pings(0), binaryFraming: false));
        Assert.Equal("transport error", Reason(session));
    }

    [Fact]
    public void V4ServerPingsCount_AgainstThePacketBound()
    {
        // A v4 client that answers pings without reading: each ping is queued, so it counts.
        var session = Open(protocol: 4, maxBytes: 1_000_000, maxPackets: 2, pingInterval: 20);
        Assert.True(session.Send(Payload("m", 1), false)); // with the open packet: full
        _clock.Advance(TimeSpan.FromMilliseconds(19));
        Assert.Equal(StillOpen, Reason(session));
        _clock.Advance(TimeSpan.FromMilliseconds(1)); // the ping does not fit
        Assert.Equal("transport error", Reason(session));
    }

    // ---------------- helpers ----------------

    private EngineSession Open(int protocol, long maxBytes, int maxPackets = 4096, bool writable = false, int pingInterval = 60000) =>
        Open(protocol, maxBytes, writable, out _, out _, maxPackets, pingInterval);

    private EngineSession Open(int protocol, long maxBytes, bool writable, out MemoryStream socketStream, out WebSocketTransport transport,
        int maxPackets = 4096, int pingInterval = 60000)
    {
        var options = new EngineIOOptions
        {
            PingInterval = pingInterval,
            PingTimeout = 60000,
            MaxBufferedBytes = maxBytes,
            MaxBufferedPackets = maxPackets,
        };
        var server = new EngineServer(_application, options, new EngineLog(_log), _clock);
        var handshake = new EngineHandshake(new Dictionary<string, string>(), new Dictionary<string, string>(), null, "/", false, DateTimeOffset.UnixEpoch);
        var id = Guid.NewGuid().ToString("N");
        EngineSession session;
        if (writable)
        {
            // A WebSocket session whose writer is not started: volatile packets are taken, nothing drains the queue.
            session = new EngineSession(server, id, protocol, EngineServer.WebSocketName, handshake, pollingSupportsBinary: true);
            socketStream = new MemoryStream();
            var socket = WebSocket.CreateFromStream(socketStream, new WebSocketCreationOptions { IsServer = true });
            transport = new WebSocketTransport(socket, session, supportsBinary: true, CancellationToken.None);
            session.AttachInitialWebSocket(transport);
        }
        else
        {
            session = new EngineSession(server, id, protocol, EngineServer.PollingName, handshake, pollingSupportsBinary: true);
            socketStream = null!;
            transport = null!;
        }
        session.Open("0{}"u8.ToArray(), _application);
        return session;
    }

    /// <summary>Opened, with the open packet taken and written, so the queue starts empty.</summary>
    private EngineSession OpenDrained(int protocol, long maxBytes, int maxPackets = 4096, bool writable = false)
    {
        var session = Open(protocol, maxBytes, maxPackets, writable);
        Release(session, Take(session).Sum(p => p.Data.Length));
        Assert.Equal(0, BufferedBytes(session));
        return session;
    }

    /// <summary>What a production log (Information and up) shows.</summary>
    private IEnumerable<(LogLevel Level, string Message, Exception? Exception)> Logged() =>
        _log.Entries.Where(e => e.Level >= LogLevel.Information);

    private static List<QueuedPacket> Take(EngineSession session)
    {
        var batch = new List<QueuedPacket>();
        session.Take(batch, int.MaxValue);
        return batch;
    }

    private static void Release(EngineSession session, long bytes) => session.ReleaseWritten(bytes);

    private static long BufferedBytes(EngineSession session) => session.BufferedBytes;

    private string Reason(EngineSession session) =>
        _application[session.Id].Closed.Task is { IsCompleted: true } closed ? closed.Result : StillOpen;

    /// <summary>A payload of <paramref name="length"/> bytes that starts with its name.</summary>
    private static byte[] Payload(string name, int length)
    {
        var bytes = new byte[length];
        Encoding.ASCII.GetBytes(name).AsSpan(0, Math.Min(name.Length, length)).CopyTo(bytes);
        return bytes;
    }

    private static string Name(QueuedPacket packet) => Encoding.ASCII.GetString(packet.Data.Span[..2]);

    /// <summary>A v3 text payload of pings, each carrying that many bytes of data.</summary>
    private static byte[] V3Pings(params int[] dataLengths) =>
        Encoding.ASCII.GetBytes(string.Concat(dataLengths.Select(n => $"{n + 1}:2{new string('p', n)}")));
}
