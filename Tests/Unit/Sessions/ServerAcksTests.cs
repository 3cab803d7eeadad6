using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Tests.Sessions;

/// <summary>Server→client ack correlation: ids in order, answers to their emit, timeouts on a fake clock, close.</summary>
public sealed class ServerAcksTests
{
    private static SocketPayload Payload(string json) => new(System.Text.Encoding.UTF8.GetBytes(json), null);

    [Fact]
    public async Task Each_emit_gets_the_next_id_and_the_answer_with_that_id()
    {
        var acks = new ServerAcks(new FakeTimeProvider());
        Assert.True(acks.TryAdd(out var first, out var firstAnswer));
        Assert.True(acks.TryAdd(out var second, out var secondAnswer));
        Assert.Equal(0, first);
        Assert.Equal(1, second);

        acks.Answer(second, Payload("[2]"));
        acks.Answer(first, Payload("[1]"));
        Assert.Equal("[1]", System.Text.Encoding.UTF8.GetString((await firstAnswer).ArgsJson));
        Assert.Equal("[2]", System.Text.Encoding.UTF8.GetString((await secondAnswer).ArgsJson));
        Assert.Equal(0, acks.Count);
    }

    [Fact]
    public async Task An_unknown_or_repeated_answer_is_ignored()
    {
        var acks = new ServerAcks(new FakeTimeProvider());
        Assert.True(acks.TryAdd(out var id, out var answer));
        acks.Answer(id + 5, Payload("[0]"));
        Assert.False(answer.IsCompleted);
        acks.Answer(id, Payload("[1]"));
        acks.Answer(id, Payload("[2]"));
        Assert.Equal("[1]", System.Text.Encoding.UTF8.GetString((await answer).ArgsJson));
    }

    [Fact]
    public async Task An_emit_not_answered_within_its_timeout_fails_and_is_forgotten()
    {
        var time = new FakeTimeProvider();
        var acks = new ServerAcks(time);
        Assert.True(acks.TryAdd(out var id, out var answer));
        var waiting = acks.WaitAsync(id, answer, TimeSpan.FromSeconds(2));

        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<TimeoutException>(() => waiting);
        Assert.Equal(0, acks.Count);
        acks.Answer(id, Payload("[1]")); // too late: nothing waits for it
    }

    [Fact]
    public async Task Closing_fails_every_waiting_emit_and_refuses_new_ones()
    {
        var acks = new ServerAcks(new FakeTimeProvider());
        Assert.True(acks.TryAdd(out _, out var a));
        Assert.True(acks.TryAdd(out _, out var b));
        acks.Close(new InvalidOperationException("gone"));
        Assert.Equal("gone", (await Assert.ThrowsAsync<InvalidOperationException>(() => a)).Message);
        Assert.Equal("gone", (await Assert.ThrowsAsync<InvalidOperationException>(() => b)).Message);
        Assert.False(acks.TryAdd(out _, out _));
        Assert.Equal(0, acks.Count);
    }

    [Fact]
    public async Task A_kept_outcome_is_taken_once_by_its_id()
    {
        var acks = new ServerAcks(new FakeTimeProvider());
        Assert.True(acks.TryAdd(out var id, out var answer));
        acks.Keep(id, answer, TimeSpan.FromSeconds(5));
        acks.Answer(id, Payload("[1]"));

        Assert.Null(acks.Collect(id + 1));
        var kept = acks.Collect(id);
        Assert.NotNull(kept);
        Assert.Equal("[1]", System.Text.Encoding.UTF8.GetString((await kept).ArgsJson));
        Assert.Null(acks.Collect(id));
    }

    [Fact]
    public async Task An_outcome_not_collected_within_twice_its_timeout_is_dropped()
    {
        var time = new FakeTimeProvider();
        var acks = new ServerAcks(time);
        Assert.True(acks.TryAdd(out var id, out var answer));
        acks.Keep(id, answer, TimeSpan.FromSeconds(2));
        acks.Answer(id, Payload("[1]"));
        await answer;

        time.Advance(TimeSpan.FromMilliseconds(3999));
        Assert.Equal(1, acks.KeptCount);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, acks.KeptCount);
        Assert.Null(acks.Collect(id));
    }

    [Fact]
    public async Task A_collected_outcome_is_not_dropped_and_its_timer_does_not_touch_later_ones()
    {
        var time = new FakeTimeProvider();
        var acks = new ServerAcks(time);
        Assert.True(acks.TryAdd(out var first, out var firstAnswer));
        acks.Keep(first, firstAnswer, TimeSpan.FromSeconds(1));
        var collected = acks.Collect(first);
        Assert.NotNull(collected);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(acks.TryAdd(out var second, out var secondAnswer));
        acks.Keep(second, secondAnswer, TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1)); // the first's drop would have been due here
        Assert.Equal(1, acks.KeptCount);
        acks.Answer(first, Payload("[1]"));
        Assert.Equal("[1]", System.Text.Encoding.UTF8.GetString((await collected).ArgsJson));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, acks.KeptCount);
    }

    [Fact]
    public void An_outcome_of_an_emit_without_timeout_is_kept_until_collected()
    {
        var time = new FakeTimeProvider();
        var acks = new ServerAcks(time);
        Assert.True(acks.TryAdd(out var id, out var answer));
        acks.Keep(id, answer, Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromDays(60));
        Assert.Equal(1, acks.KeptCount);
        Assert.Same(answer, acks.Collect(id));
    }

    [Fact]
    public async Task A_timed_out_outcome_not_collected_is_dropped_too()
    {
        var time = new FakeTimeProvider();
        var acks = new ServerAcks(time);
        Assert.True(acks.TryAdd(out var id, out var answer));
        var outcome = acks.WaitAsync(id, answer, TimeSpan.FromSeconds(1));
        acks.Keep(id, outcome, TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<TimeoutException>(() => outcome);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, acks.KeptCount);
    }

    [Fact]
    public void An_outcome_with_a_zero_timeout_is_dropped_at_once()
    {
        var time = new FakeTimeProvider();
        var acks = new ServerAcks(time);
        Assert.True(acks.TryAdd(out var id, out var answer));
        acks.Keep(id, answer, TimeSpan.Zero);
        Assert.Equal(0, acks.KeptCount);
        Assert.Null(acks.Collect(id));
    }
}
