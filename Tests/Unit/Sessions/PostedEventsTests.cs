using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Sessions;
using OrleansSocket.Grains.Adapters;
using OrleansSocket.Grains.Sockets;

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

    private static async Task<(SessionHarness Harness, NamespaceSocket Socket, FakeTimeProvider Clock)> ConnectedHereAsync(bool inline = true)
    {
        var clock = new FakeTimeProvider();
        var h = new SessionHarness(new SocketIOOptions { PostedEventTimeout = Timeout, InlineStatelessHandlers = inline }, time: clock)
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

    /// <summary>A grain's activation as the socket holds it: records what is posted to it while <see cref="Active"/>.</summary>
    private sealed class FakeActivation : ILocalSocketGrain
    {
        public ConcurrentQueue<(ClientEvent[] Events, EventReceipt Receipt)> Posts { get; } = new();
        public volatile bool Active = true;

        /// <summary>What <see cref="TryRunDetached"/> answers: by default no event's handler runs detached.</summary>
        public Func<ClientEvent, Task<SocketPayload?>?> Detached { get; set; } = _ => null;

        public ConcurrentQueue<string> RanDetached { get; } = new();

        public bool TryPost(ClientEvent clientEvent, EventReceipt receipt) => TryPost([clientEvent], receipt);

        public Task<SocketPayload?>? TryRunDetached(ClientEvent clientEvent)
        {
            if (!Active || Detached(clientEvent) is not { } run) return null;
            RanDetached.Enqueue(clientEvent.Event);
            return run;
        }

        public bool TryPost(ClientEvent[] clientEvents, EventReceipt receipt)
        {
            if (!Active) return false;
            Posts.Enqueue((clientEvents, receipt));
            return true;
        }
    }

    [Fact]
    public async Task Once_the_grain_handed_over_its_activation_events_are_posted_to_it_and_to_the_grain_call_when_it_is_gone()
    {
        var (h, socket, _) = await ConnectedHereAsync();
        IAdapterSocket here = socket;
        var activation = new FakeActivation();
        Assert.False(here.AttachLocalGrain("another connection", activation));
        Assert.True(here.AttachLocalGrain(socket.ConnectionId, activation));

        h.Receive("2[\"a\"]");
        Assert.True(SpinWait.SpinUntil(() => activation.Posts.Count == 1, TimeSpan.FromSeconds(5)));
        h.Receive("2[\"b\"]");
        h.Receive("21[\"c\"]");
        Assert.True(activation.Posts.TryDequeue(out var first));
        Assert.Equal("a", Assert.Single(first.Events).Event);
        Assert.Equal(new EventReceipt(h.Server.GatewayId, socket.ConnectionId, 1), first.Receipt);
        Assert.Equal(3, h.Session.Inbound.Packets); // one post in flight, as with the grain call
        here.PostedEventsDone(socket.ConnectionId, first.Receipt.Sequence);

        Assert.True(SpinWait.SpinUntil(() => activation.Posts.Count == 1, TimeSpan.FromSeconds(5)));
        Assert.True(activation.Posts.TryDequeue(out var rest)); // what queued up goes in one post, in order
        Assert.Equal(["b", "c"], rest.Events.Select(e => e.Event));
        Assert.Equal(first.Receipt.Sequence + 1, rest.Receipt.Sequence);
        activation.Active = false; // deactivated meanwhile
        here.PostedEventsDone(socket.ConnectionId, rest.Receipt.Sequence);

        h.Receive("2[\"d\"]");
        var called = await h.NextPostAsync(); // refused by the activation: the grain's one-way call
        Assert.Equal("d", Assert.Single(called.Events).Event);
        Assert.Equal(rest.Receipt.Sequence + 1, called.Receipt.Sequence);
        Assert.Empty(activation.Posts);
        Assert.Empty(h.Calls);
        Assert.Empty(h.Logs.Entries);
    }

    [Fact]
    public async Task After_a_post_timed_out_the_activation_handed_over_is_not_used_again()
    {
        var (h, socket, clock) = await ConnectedHereAsync();
        var activation = new FakeActivation();
        ((IAdapterSocket)socket).AttachLocalGrain(socket.ConnectionId, activation);

        h.Receive("2[\"a\"]");
        Assert.True(SpinWait.SpinUntil(() => activation.Posts.Count == 1, TimeSpan.FromSeconds(5)));
        h.Receive("2[\"b\"]");
        clock.Advance(Timeout);

        var next = await h.NextCallAsync(); // b: an awaited call, as when the post went through the grain call
        Assert.Equal("b", next.Event.Event);
        next.Done.SetResult(null);
        Assert.Single(activation.Posts);
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
    private static SocketPayload Answer(string json) => new(System.Text.Encoding.UTF8.GetBytes(json), null);

    private static async Task<(SessionHarness Harness, NamespaceSocket Socket, FakeActivation Activation)> AttachedAsync(bool inline = true)
    {
        var (h, socket, _) = await ConnectedHereAsync(inline);
        var activation = new FakeActivation { Detached = e => e.Event == "pure" ? Task.FromResult<SocketPayload?>(Answer("[\"ok\"]")) : null };
        Assert.True(((IAdapterSocket)socket).AttachLocalGrain(socket.ConnectionId, activation));
        while (h.Sent.TryDequeue(out _)) { } // the CONNECT answer
        return (h, socket, activation);
    }

    [Fact]
    public async Task A_handler_that_needs_no_socket_runs_where_the_event_was_read_and_answers_with_no_post()
    {
        var (h, _, activation) = await AttachedAsync();

        h.Receive("23[\"pure\",1]");

        // Run on the receiving thread: done by the time Receive returned, the packet's charge released.
        Assert.Equal("pure", Assert.Single(activation.RanDetached));
        Assert.Equal("33[\"ok\"]", Assert.Single(h.Sent));
        Assert.Equal(0, h.Session.Inbound.Packets);
        Assert.Empty(activation.Posts);
        Assert.Empty(h.Posts);
        Assert.Empty(h.Calls);
    }

    [Fact]
    public async Task A_detached_event_waits_behind_the_post_in_flight_of_the_event_before_it()
    {
        var (h, socket, activation) = await AttachedAsync();

        h.Receive("2[\"a\"]");
        Assert.True(SpinWait.SpinUntil(() => activation.Posts.Count == 1, TimeSpan.FromSeconds(5)));
        h.Receive("24[\"pure\"]");
        Assert.Empty(activation.RanDetached); // a is still running on the grain's turn
        Assert.Empty(h.Sent);

        Assert.True(activation.Posts.TryDequeue(out var first));
        ((IAdapterSocket)socket).PostedEventsDone(socket.ConnectionId, first.Receipt.Sequence);

        Assert.True(SpinWait.SpinUntil(() => h.Sent.Count == 1, TimeSpan.FromSeconds(5)));
        Assert.Equal("pure", Assert.Single(activation.RanDetached));
        Assert.Equal("34[\"ok\"]", Assert.Single(h.Sent));
        Assert.True(SpinWait.SpinUntil(() => h.Session.Inbound.Packets == 0, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_detached_handler_that_waits_lets_the_next_event_go_on_and_answers_when_done()
    {
        var (h, _, activation) = await AttachedAsync();
        var slow = new TaskCompletionSource<SocketPayload?>();
        activation.Detached = e => e.Event switch
        {
            "slow" => slow.Task,
            "pure" => Task.FromResult<SocketPayload?>(Answer("[2]")),
            _ => null,
        };

        h.Receive("21[\"slow\"]");
        h.Receive("22[\"pure\"]");

        Assert.Equal(["slow", "pure"], activation.RanDetached);
        Assert.Equal(["32[2]"], h.Sent);
        Assert.Equal(0, h.Session.Inbound.Packets);
        slow.SetResult(Answer("[1]"));
        Assert.Equal(["32[2]", "31[1]"], h.Sent);
    }

    [Fact]
    public async Task With_inline_stateless_handlers_off_every_event_is_posted_to_the_grain()
    {
        var (h, _, activation) = await AttachedAsync(inline: false);

        h.Receive("23[\"pure\"]");

        Assert.True(SpinWait.SpinUntil(() => activation.Posts.Count == 1, TimeSpan.FromSeconds(5)));
        Assert.Empty(activation.RanDetached);
        Assert.Empty(h.Sent);
    }
}
