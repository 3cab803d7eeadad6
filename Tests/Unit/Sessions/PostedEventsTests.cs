using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Sessions;
using OrleansSocket.Grains.Adapters;

namespace OrleansSocket.Tests.Sessions;

/// <summary>
/// Events handed one-way to a socket grain that runs in the gateway's process (<see cref="ConnectResult.GatewayHere"/>):
/// one post in flight per socket, the next sent when the grain reports the last done, bounded by
/// <see cref="SocketIOOptions.PostedEventTimeout"/> on a fake clock.
/// </summary>
public sealed class PostedEventsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private static PostedEvents NewPosted(FakeTimeProvider clock) => new("gw", "c1", clock, Timeout);

    [Fact]
    public async Task A_post_waits_for_the_report_of_its_own_sequence()
    {
        var posted = NewPosted(new FakeTimeProvider());

        var first = posted.Post(out var receipt);
        Assert.Equal(new EventReceipt("gw", "c1", 1), receipt);
        Assert.False(first.IsCompleted);
        posted.Done(1);
        Assert.True(first.IsCompleted);
        Assert.True(await first);

        var second = posted.Post(out receipt);
        Assert.Equal(2, receipt.Sequence);
        posted.Done(1); // the first's report again (late): not the second's
        Assert.False(second.IsCompleted);
        posted.Done(2);
        Assert.True(await second);
    }

    [Fact]
    public async Task Without_a_report_the_wait_ends_false_at_the_timeout_not_a_tick_before()
    {
        var clock = new FakeTimeProvider();
        var posted = NewPosted(clock);

        var wait = posted.Post(out _);
        clock.Advance(Timeout - Tick);
        Assert.False(wait.IsCompleted);
        clock.Advance(Tick);
        Assert.True(wait.IsCompleted);
        Assert.False(await wait);
    }

    [Fact]
    public async Task A_timer_armed_for_an_earlier_post_gives_a_later_one_its_whole_time()
    {
        var clock = new FakeTimeProvider();
        var posted = NewPosted(clock);
        var firstWait = posted.Post(out var first);
        clock.Advance(TimeSpan.FromSeconds(1));
        posted.Done(first.Sequence);
        Assert.True(await firstWait);

        clock.Advance(TimeSpan.FromSeconds(0.5));
        var wait = posted.Post(out _); // at 1.5 s; the timer armed at 0 fires at 2 s
        clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.False(wait.IsCompleted);
        clock.Advance(Timeout - TimeSpan.FromSeconds(0.5) - Tick);
        Assert.False(wait.IsCompleted);
        clock.Advance(Tick);
        Assert.False(await wait);
    }

    [Fact]
    public async Task Release_ends_a_pending_wait_and_any_later_post_waits_for_nothing()
    {
        var posted = NewPosted(new FakeTimeProvider());
        var wait = posted.Post(out _);

        posted.Release();

        Assert.True(await wait);
        var later = posted.Post(out _);
        Assert.True(later.IsCompleted);
        Assert.True(await later);
    }

    private static async Task<(SessionHarness Harness, NamespaceSocket Socket, FakeTimeProvider Clock)> ConnectedHereAsync()
    {
        var clock = new FakeTimeProvider();
        var h = new SessionHarness(new SocketIOOptions { PostedEventTimeout = Timeout }, time: clock)
        {
            ConnectAnswer = _ => ConnectResult.Ok with { GatewayHere = true },
        };
        h.Receive("0");
        Assert.True(SpinWait.SpinUntil(() => h.Session.Find("/") is { IsConnected: true }, TimeSpan.FromSeconds(5)));
        return (h, h.Session.Find("/")!, clock);
    }

    [Fact]
    public async Task Events_go_one_way_one_post_at_a_time_the_next_when_the_grain_reports_the_last()
    {
        var (h, socket, _) = await ConnectedHereAsync();
        IAdapterSocket here = socket;

        h.Receive("2[\"a\"]");
        var first = await h.NextPostAsync();
        h.Receive("2[\"b\"]");
        h.Receive("21[\"c\"]");
        Assert.Equal("a", Assert.Single(first.Events).Event);
        Assert.Equal((h.Server.GatewayId, socket.ConnectionId), (first.Receipt.GatewayId, first.Receipt.ConnectionId));
        Assert.Equal(3, h.Session.Inbound.Packets); // b and c wait behind a's post

        Assert.False(here.PostedEventsDone("another connection", first.Receipt.Sequence));
        Assert.True(here.PostedEventsDone(socket.ConnectionId, first.Receipt.Sequence - 1)); // not a's: ignored
        Assert.Equal(3, h.Session.Inbound.Packets);
        Assert.True(here.PostedEventsDone(socket.ConnectionId, first.Receipt.Sequence));

        var rest = await h.NextPostAsync(); // what queued up goes in one post, in order
        Assert.Equal(["b", "c"], rest.Events.Select(e => e.Event));
        Assert.Equal(1, rest.Events[1].AckId);
        Assert.Equal(first.Receipt.Sequence + 1, rest.Receipt.Sequence);
        here.PostedEventsDone(socket.ConnectionId, rest.Receipt.Sequence);
        Assert.True(SpinWait.SpinUntil(() => h.Session.Inbound.Packets == 0, TimeSpan.FromSeconds(5)));
        Assert.Empty(h.Calls); // no awaited call at all
        Assert.Empty(h.Logs.Entries);
    }

    [Fact]
    public async Task A_post_never_reported_releases_its_socket_at_the_timeout_then_events_are_awaited_calls()
    {
        var (h, socket, clock) = await ConnectedHereAsync();

        h.Receive("2[\"a\"]");
        var first = await h.NextPostAsync();
        h.Receive("2[\"b\"]");
        clock.Advance(Timeout - Tick);
        Assert.Equal(2, h.Session.Inbound.Packets);
        clock.Advance(Tick);

        var next = await h.NextCallAsync(); // b: an awaited call now
        Assert.Equal("b", next.Event.Event);
        var line = Assert.Single(h.Logs.Entries);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("no report of its event", line.Message);
        ((IAdapterSocket)socket).PostedEventsDone(socket.ConnectionId, first.Receipt.Sequence); // too late: no effect
        next.Done.SetResult(null);
        Assert.True(SpinWait.SpinUntil(() => h.Session.Inbound.Packets == 0, TimeSpan.FromSeconds(5)));
        Assert.Empty(h.Posts);
    }

    [Fact]
    public async Task A_socket_that_leaves_with_a_post_pending_tells_its_grain_without_waiting_for_the_report()
    {
        var (h, _, _) = await ConnectedHereAsync();

        h.Receive("2[\"a\"]");
        await h.NextPostAsync();
        h.Receive("1");

        Assert.True(SpinWait.SpinUntil(() => h.Disconnects.Count == 1, TimeSpan.FromSeconds(5)));
        Assert.Equal("client namespace disconnect", Assert.Single(h.Disconnects));
    }

    [Fact]
    public async Task A_grain_elsewhere_gets_awaited_calls()
    {
        var h = new SessionHarness(new SocketIOOptions());
        h.Receive("0");
        h.Receive("2[\"a\"]");

        (await h.NextCallAsync()).Done.SetResult(null);
        Assert.Empty(h.Posts);
    }
}
