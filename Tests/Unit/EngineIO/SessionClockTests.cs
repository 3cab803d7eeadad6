using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Tests.Handlers;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>
/// The session's timing (heartbeat, ping timeout, upgrade timeout, the final-poll grace, the poll held during an
/// answered probe) on a fake clock: time moves only when the test advances it, and timers fire inside
/// <see cref="FakeTimeProvider.Advance"/>, so each deadline is checked to the millisecond.
/// </summary>
public sealed class SessionClockTests
{
    private const string StillOpen = "(open)";
    private const int PingInterval = 300;
    private const int PingTimeout = 200;
    private const int UpgradeTimeout = 400;

    private readonly FakeTimeProvider _clock = new();
    private readonly RecordingApplication _application = new();
    private readonly EngineServer _server;

    public SessionClockTests()
    {
        var options = new EngineIOOptions
        {
            PingInterval = PingInterval,
            PingTimeout = PingTimeout,
            UpgradeTimeout = UpgradeTimeout,
        };
        _server = new EngineServer(_application, options, new EngineLog(new ListLogger()), _clock);
    }

    // ---------------- v4: the server pings ----------------

    [Fact]
    public async Task V4_PingAfterTheInterval_APongPostponesTheTimeout()
    {
        var session = OpenPolling(protocol: 4);
        Advance(PingInterval - 1);
        Assert.Empty(Take(session));
        Advance(1);
        Assert.Equal([EnginePacketType.Ping], Take(session).Select(p => p.Type));

        Assert.True(await session.Polling!.ReceivePayloadAsync(Bytes("3"), binaryFraming: false)); // pong at 300
        Advance(PingInterval - 1);
        Assert.Empty(Take(session));
        Advance(1);
        Assert.Equal([EnginePacketType.Ping], Take(session).Select(p => p.Type)); // the next ping, 300 after the pong

        // Unanswered: closed pingInterval + pingTimeout after the pong.
        Advance(PingTimeout - 1);
        Assert.Equal(StillOpen, Reason(session));
        Advance(1);
        Assert.Equal("ping timeout", Reason(session));
    }

    [Fact]
    public void V4_SilentSessionClosesAfterIntervalPlusTimeout()
    {
        var session = OpenPolling(protocol: 4);
        Advance(PingInterval + PingTimeout - 1);
        Assert.Equal(StillOpen, Reason(session));
        Assert.False(session.ExpireIfDue());
        Advance(1);
        Assert.Equal("ping timeout", Reason(session));
        Assert.True(session.ExpireIfDue());
    }

    [Fact]
    public async Task V4_AnyPacketDelaysTheTimeoutByPingTimeout()
    {
        // As in Node: a packet received after the ping counts as a sign of life until pingTimeout after it.
        var session = OpenPolling(protocol: 4);
        Advance(PingInterval + 100);
        Assert.True(await session.Polling!.ReceivePayloadAsync(Bytes("4hello"), binaryFraming: false));
        Advance(PingTimeout - 1);
        Assert.Equal(StillOpen, Reason(session));
        Advance(1);
        Assert.Equal("ping timeout", Reason(session));
        Assert.Equal(new[] { "hello" }, _application[session.Id].Messages);
    }

    // ---------------- v3: the client pings ----------------

    [Fact]
    public async Task V3_ClientPingIsAnsweredAndSilenceClosesIntervalPlusTimeoutAfterIt()
    {
        var session = OpenPolling(protocol: 3);
        Advance(PingInterval + PingTimeout - 1);
        Assert.True(await session.Polling!.ReceivePayloadAsync(Bytes("1:2"), binaryFraming: false));
        Assert.Equal([EnginePacketType.Pong], Take(session).Select(p => p.Type));

        Advance(PingInterval + PingTimeout - 1);
        Assert.Equal(StillOpen, Reason(session));
        Assert.Empty(Take(session)); // the v3 server never pings
        Advance(1);
        Assert.Equal("ping timeout", Reason(session));
    }

    // ---------------- upgrade ----------------

    [Fact]
    public void Upgrade_AProbeNotCompletedInTimeIsGivenUpAndPollingCarriesOn()
    {
        var session = OpenPolling(protocol: 4, pingInterval: 60000);
        using var probe = Probe(session);
        Assert.True(session.TryBeginProbe(probe));
        using var second = Probe(session);
        Advance(UpgradeTimeout - 1);
        Assert.False(session.TryBeginProbe(second)); // still probing: a second probe is refused

        Advance(1);
        Assert.True(session.TryBeginProbe(second)); // the first was given up
        Assert.Equal(StillOpen, Reason(session));
        Assert.Equal(EngineServer.PollingName, session.Transport);
        Assert.True(session.Send(Bytes("still polling"), false));
    }

    [Fact]
    public async Task Upgrade_APollDuringAnAnsweredProbeIsHeldForTheCheckIntervalAtMost()
    {
        var never = new TaskCompletionSource();
        var held = EngineServer.WaitForUpgradeAsync(never.Task, _clock, CancellationToken.None);
        Advance(99);
        Assert.False(held.IsCompleted);
        Advance(1);
        await held.WaitAsync(TimeSpan.FromSeconds(5));

        var settles = new TaskCompletionSource();
        held = EngineServer.WaitForUpgradeAsync(settles.Task, _clock, CancellationToken.None);
        Assert.False(held.IsCompleted);
        settles.SetResult(); // upgraded (or given up) before the interval: released at once
        await held.WaitAsync(TimeSpan.FromSeconds(5));
    }

    // ---------------- the final poll after a client close ----------------

    [Fact]
    public async Task ClientClose_ThePollStillOnTheWireIsAwaitedForOneSecond()
    {
        var late = OpenPolling(protocol: 4, pingInterval: 60000);
        var tooLate = OpenPolling(protocol: 4, pingInterval: 60000);
        Assert.True(await late.Polling!.ReceivePayloadAsync(Bytes("1"), binaryFraming: false));
        Assert.True(await tooLate.Polling!.ReceivePayloadAsync(Bytes("1"), binaryFraming: false));
        Assert.Equal("transport close", Reason(late));

        Advance(999);
        Assert.True(late.TryClaimFinalPoll());
        Assert.False(late.TryClaimFinalPoll()); // once
        Advance(1);
        Assert.False(tooLate.TryClaimFinalPoll());
    }

    // ---------------- helpers ----------------

    private EngineSession OpenPolling(int protocol, int? pingInterval = null)
    {
        var server = _server;
        if (pingInterval is { } interval)
        {
            server = new EngineServer(_application, new EngineIOOptions
            {
                PingInterval = interval,
                PingTimeout = interval,
                UpgradeTimeout = UpgradeTimeout,
            }, new EngineLog(new ListLogger()), _clock);
        }
        var handshake = new EngineHandshake(new Dictionary<string, string>(), new Dictionary<string, string>(), null, "/", false, _clock.GetUtcNow());
        var session = new EngineSession(server, Guid.NewGuid().ToString("N"), protocol, EngineServer.PollingName, handshake, pollingSupportsBinary: true);
        session.Open("0{}"u8.ToArray(), _application);
        Assert.Equal([EnginePacketType.Open], Take(session).Select(p => p.Type));
        return session;
    }

    /// <summary>A WebSocket over a memory stream, as the transport of an upgrade probe (nothing reads it).</summary>
    private static WebSocketTransport Probe(EngineSession session)
    {
        var socket = WebSocket.CreateFromStream(new MemoryStream(), new WebSocketCreationOptions { IsServer = true });
        return new WebSocketTransport(socket, session, supportsBinary: true, CancellationToken.None);
    }

    private void Advance(int milliseconds) => _clock.Advance(TimeSpan.FromMilliseconds(milliseconds));

    private static List<QueuedPacket> Take(EngineSession session)
    {
        var batch = new List<QueuedPacket>();
        session.Take(batch, int.MaxValue);
        session.ReleaseWritten(batch.Sum(p => (long)p.Data.Length)); // as if written
        return batch;
    }

    private string Reason(EngineSession session) =>
        _application[session.Id].Closed.Task is { IsCompleted: true } closed ? closed.Result : StillOpen;

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
