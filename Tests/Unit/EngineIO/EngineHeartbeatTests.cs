using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Gateway.EngineIO;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>The heartbeat's one timer serves both the next ping (v4) and the deadline, cycle after cycle.</summary>
public sealed class EngineHeartbeatTests
{
    private sealed class Owner(FakeTimeProvider clock) : EngineHeartbeat.IOwner
    {
        public long LastPacket = clock.GetTimestamp();
        public int Pings;
        public int Expired;
        public long LastPacketTimestamp => Volatile.Read(ref LastPacket);
        public void OnPingDue() => Pings++;
        public void OnHeartbeatExpired() => Expired++;
    }

    private static void Advance(FakeTimeProvider clock, int ms) => clock.Advance(TimeSpan.FromMilliseconds(ms));

    [Fact]
    public void V4_pings_every_interval_after_each_pong_and_expires_a_timeout_after_an_unanswered_ping()
    {
        var clock = new FakeTimeProvider();
        var owner = new Owner(clock);
        var heartbeat = new EngineHeartbeat(clock, pingIntervalMs: 1000, pingTimeoutMs: 500, serverPings: true, owner);
        heartbeat.Start();

        for (var cycle = 1; cycle <= 3; cycle++)
        {
            Advance(clock, 999);
            Assert.Equal(cycle - 1, owner.Pings);
            Advance(clock, 1);
            Assert.Equal(cycle, owner.Pings);
            Advance(clock, 400); // the pong comes 400 ms after the ping
            owner.LastPacket = clock.GetTimestamp();
            heartbeat.OnPong(clock.GetTimestamp());
        }

        // No pong this time: the ping goes out an interval later, and the session expires a timeout after it.
        Advance(clock, 1000);
        Assert.Equal(4, owner.Pings);
        Advance(clock, 499);
        Assert.Equal(0, owner.Expired);
        Assert.False(heartbeat.IsDue());
        Advance(clock, 1);
        Assert.Equal(1, owner.Expired);
        Assert.Equal(4, owner.Pings);
    }

    [Fact]
    public void V4_a_packet_after_the_ping_delays_the_deadline_by_the_timeout()
    {
        var clock = new FakeTimeProvider();
        var owner = new Owner(clock);
        var heartbeat = new EngineHeartbeat(clock, pingIntervalMs: 1000, pingTimeoutMs: 500, serverPings: true, owner);
        heartbeat.Start();
        Advance(clock, 1000);
        Assert.Equal(1, owner.Pings);
        Advance(clock, 300);
        owner.LastPacket = clock.GetTimestamp(); // a message, not the pong
        Advance(clock, 499); // 200 ms past the first deadline
        Assert.Equal(0, owner.Expired);
        Advance(clock, 1);
        Assert.Equal(1, owner.Expired);
        Assert.Equal(1, owner.Pings); // no second ping while the first awaits its pong
    }

    [Fact]
    public void V3_the_client_pings_and_silence_for_interval_plus_timeout_expires_it()
    {
        var clock = new FakeTimeProvider();
        var owner = new Owner(clock);
        var heartbeat = new EngineHeartbeat(clock, pingIntervalMs: 1000, pingTimeoutMs: 500, serverPings: false, owner);
        heartbeat.Start();
        Advance(clock, 1200);
        heartbeat.OnClientPing(clock.GetTimestamp());
        Advance(clock, 1499);
        Assert.Equal(0, owner.Expired);
        Advance(clock, 1);
        Assert.Equal(1, owner.Expired);
        Assert.Equal(0, owner.Pings);
    }

    [Fact]
    public void Stopped_it_calls_nothing_more()
    {
        var clock = new FakeTimeProvider();
        var owner = new Owner(clock);
        var heartbeat = new EngineHeartbeat(clock, pingIntervalMs: 1000, pingTimeoutMs: 500, serverPings: true, owner);
        heartbeat.Start();
        heartbeat.Stop();
        Advance(clock, 5000);
        Assert.Equal(0, owner.Pings);
        Assert.Equal(0, owner.Expired);
    }
}
