using System.Text;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Tests.Sessions;

namespace OrleansSocket.Tests.Diagnostics;

/// <summary>
/// What the gateway records per client event (<see cref="SocketIOInstrumentation.EventDuration"/>): the time from its read
/// to its ack written, on the gateway's clock (a fake one here), waiting behind the socket's earlier events included.
/// </summary>
public sealed class EventDurationMetricsTests : MetricsOnFakeClock
{
    private (double Seconds, object? Namespace)[] Measured() => Capture.Durations(SocketIOInstrumentation.EventDuration, SocketIOInstrumentation.NamespaceTag);

    private SessionHarness Connected(int eventsPerCall)
    {
        var h = new SessionHarness(new SocketIOOptions { MaxEventsPerSocketCall = eventsPerCall }, meters: Capture.Meters, time: Time);
        h.Receive("0/chat,");
        Assert.True(SpinWait.SpinUntil(() => h.Session.Find("/chat") is { IsConnected: true }, TimeSpan.FromSeconds(5)));
        return h;
    }

    private static SocketPayload Answer(string json) => new(Encoding.UTF8.GetBytes(json));

    private void WaitForMeasurements(int count) =>
        Assert.True(SpinWait.SpinUntil(() => Measured().Length >= count, TimeSpan.FromSeconds(5)), $"not {count} measurements");

    [Fact]
    public async Task An_event_is_timed_from_its_read_to_its_ack_written_its_wait_behind_the_last_included()
    {
        var h = Connected(eventsPerCall: 1);

        h.Receive("2/chat,1[\"a\"]");
        var a = await h.NextCallAsync();
        Time.Advance(TimeSpan.FromMilliseconds(3));
        h.Receive("2/chat,2[\"b\"]"); // waits behind a
        Time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Empty(Measured());

        a.Done.SetResult(Answer("[\"A\"]"));
        WaitForMeasurements(1);
        Assert.Contains("3/chat,1[\"A\"]", h.Sent); // written before it was timed
        var b = await h.NextCallAsync();
        Time.Advance(TimeSpan.FromMilliseconds(4));
        b.Done.SetResult(Answer("[\"B\"]"));
        WaitForMeasurements(2);

        Assert.Equal([(0.005, "/chat"), (0.006, "/chat")], Measured());
    }

    [Fact]
    public async Task Events_that_go_to_the_grain_together_are_each_timed_from_their_own_read()
    {
        var h = Connected(eventsPerCall: 4);

        h.Receive("2/chat,1[\"a\"]");
        var a = await h.NextCallAsync();
        Time.Advance(TimeSpan.FromMilliseconds(1));
        h.Receive("2/chat,2[\"b\"]");
        Time.Advance(TimeSpan.FromMilliseconds(1));
        h.Receive("2/chat,3[\"c\"]");
        a.Done.SetResult(Answer("[1]"));
        WaitForMeasurements(1);

        var b = await h.NextCallAsync(); // b and c in one call
        var c = await h.NextCallAsync();
        Assert.Equal(("b", "c"), (b.Event.Event, c.Event.Event));
        Time.Advance(TimeSpan.FromMilliseconds(3));
        b.Done.SetResult(Answer("[2]"));
        c.Done.SetResult(Answer("[3]"));
        WaitForMeasurements(3);

        Assert.Equal([(0.002, "/chat"), (0.004, "/chat"), (0.003, "/chat")], Measured());
    }
}
