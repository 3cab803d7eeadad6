using System.Text;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Tests.Sessions;

/// <summary>
/// The thin gateway's batches of client events: flushed at once when none is in flight, gathered while one is, bounded
/// in events, bytes and batches in flight, and each event handed its own outcome. The fake link answers a batch when
/// the test completes it, on the test's thread (no timer, no clock: the policy has none).
/// </summary>
public sealed class EventBatcherTests
{
    private readonly List<(EventBatch Batch, TaskCompletionSource<EventBatchResult> Answer)> _sent = [];

    private EventBatcher Batcher(int maxEvents = 256, long maxBytes = 1_000_000, int maxInFlight = 4) => new(batch =>
    {
        // Continuations run on the thread that answers: the batcher's next flush happens inside Answer().
        var answer = new TaskCompletionSource<EventBatchResult>();
        _sent.Add((batch, answer));
        return answer.Task;
    }, new EventBatchingOptions { MaxEvents = maxEvents, MaxBytes = maxBytes, MaxInFlight = maxInFlight });

    private static ClientEvent Event(string name) => new(name, SocketPayload.Empty, WantsAck: true);

    private static SocketPayload Ack(string text) => new(Encoding.UTF8.GetBytes($"[\"{text}\"]"));

    private static string[] Names(EventBatch batch) => [.. batch.Events.Select(e => e.Event)];

    /// <summary>Answers batch <paramref name="index"/>: each event's ack is its own name.</summary>
    private void Answer(int index) =>
        _sent[index].Answer.SetResult(new EventBatchResult([.. _sent[index].Batch.Events.Select(e => Ack(e.Event))], null));

    private static string Text(Task<SocketPayload?> outcome) => Encoding.UTF8.GetString(outcome.Result!.ArgsJson);

    private static string? Text(SocketPayload? ack) => ack is null ? null : Encoding.UTF8.GetString(ack.ArgsJson);

    /// <summary>One event of a socket, its outcome unwrapped as the gateway's socket does it.</summary>
    private static async Task<SocketPayload?> One(EventBatcher batcher, string socketId, ClientEvent clientEvent, long bytes) =>
        (await batcher.HandleEventsAsync(socketId, [clientEvent], bytes)).OnlyOutcome();

    [Fact]
    public async Task A_sockets_queued_events_go_next_to_each_other_in_one_batch_and_come_back_as_its_outcomes()
    {
        var batcher = Batcher();
        _ = One(batcher, "s0", Event("e0"), 1); // in flight: the rest waits
        var s1 = batcher.HandleEventsAsync("s1", [Event("a"), Event("b"), Event("c")], 3);
        var s2 = batcher.HandleEventsAsync("s2", [Event("d")], 1);
        Assert.Equal(4, batcher.Waiting);

        Answer(0);
        Assert.Equal(["s1", "s1", "s1", "s2"], _sent[1].Batch.SocketIds);
        Assert.Equal(["a", "b", "c", "d"], Names(_sent[1].Batch));
        _sent[1].Answer.SetResult(new EventBatchResult([Ack("A"), null, Ack("C"), Ack("D")], [null, new InvalidOperationException("b failed"), null, null]));

        Assert.True(s1.IsCompleted && s2.IsCompleted);
        var (first, second) = (await s1, await s2);
        Assert.Equal(["[\"A\"]", null, "[\"C\"]"], first.Acks.Select(Text));
        Assert.Equal([null, "b failed", null], first.Errors!.Select(e => e?.Message));
        Assert.Equal(["[\"D\"]"], second.Acks.Select(Text));
        Assert.Null(second.Errors); // its one event did not fail
    }

    [Fact]
    public void A_sockets_group_is_not_split_by_MaxEvents_but_waits_for_the_next_batch()
    {
        var batcher = Batcher(maxEvents: 3, maxInFlight: 1);
        _ = One(batcher, "s0", Event("e0"), 1);
        _ = batcher.HandleEventsAsync("s1", [Event("a"), Event("b")], 2);
        _ = batcher.HandleEventsAsync("s2", [Event("c"), Event("d")], 2);
        _ = batcher.HandleEventsAsync("s3", [Event("e"), Event("f"), Event("g"), Event("h")], 4);

        Answer(0);
        Assert.Equal(["a", "b"], Names(_sent[1].Batch)); // s2's two would pass the bound of 3
        Answer(1);
        Assert.Equal(["c", "d"], Names(_sent[2].Batch));
        Answer(2);
        Assert.Equal(["e", "f", "g", "h"], Names(_sent[3].Batch)); // a batch's first group goes whatever its size
        Assert.Equal(0, batcher.Waiting);
    }

    [Fact]
    public void No_events_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = Batcher().HandleEventsAsync("s1", [], 0); });

    [Fact]
    public void An_event_goes_at_once_when_no_batch_is_in_flight()
    {
        var batcher = Batcher();
        var outcome = One(batcher, "s1", Event("e1"), 10);

        var sent = Assert.Single(_sent);
        Assert.Equal(["s1"], sent.Batch.SocketIds);
        Assert.Equal(["e1"], Names(sent.Batch));
        Assert.False(outcome.IsCompleted);
        Answer(0);
        Assert.Equal("[\"e1\"]", Text(outcome));
        Assert.Equal(0, batcher.InFlight);
    }

    [Fact]
    public void Events_that_come_while_a_batch_is_in_flight_go_together_when_it_returns()
    {
        var batcher = Batcher();
        var first = One(batcher, "s1", Event("e1"), 10);
        var rest = new[] { ("s2", "e2"), ("s3", "e3"), ("s4", "e4") }.Select(x => One(batcher, x.Item1, Event(x.Item2), 10)).ToArray();
        Assert.Single(_sent);
        Assert.Equal(3, batcher.Waiting);

        Answer(0);
        Assert.True(first.IsCompletedSuccessfully);
        Assert.Equal(2, _sent.Count);
        Assert.Equal(["s2", "s3", "s4"], _sent[1].Batch.SocketIds);
        Assert.Equal(0, batcher.Waiting);
        Assert.All(rest, r => Assert.False(r.IsCompleted));
        Answer(1);
        Assert.Equal(["[\"e2\"]", "[\"e3\"]", "[\"e4\"]"], rest.Select(Text));
    }

    [Fact]
    public void Events_queued_by_the_outcomes_continuations_join_the_next_batch()
    {
        var batcher = Batcher();
        Task<SocketPayload?>? next = null;
        var first = One(batcher, "s1", Event("e1"), 10);
        // The socket's work queue sends its next event from the first one's continuation.
        first.ContinueWith(_ => next = One(batcher, "s1", Event("e1b"), 10), TaskContinuationOptions.ExecuteSynchronously);
        _ = One(batcher, "s2", Event("e2"), 10);

        Answer(0);
        Assert.Equal(2, _sent.Count);
        Assert.Equal(["e2", "e1b"], Names(_sent[1].Batch)); // one batch, not e1b alone
        Assert.NotNull(next);
    }

    [Fact]
    public void A_batch_holds_at_most_MaxEvents_and_at_that_bound_another_goes()
    {
        var batcher = Batcher(maxEvents: 3, maxInFlight: 2);
        _ = One(batcher, "s1", Event("e1"), 1); // goes at once
        _ = One(batcher, "s2", Event("e2"), 1);
        _ = One(batcher, "s3", Event("e3"), 1);
        Assert.Single(_sent); // 2 waiting: under the bound
        _ = One(batcher, "s4", Event("e4"), 1); // 3 waiting: the bound
        Assert.Equal(2, _sent.Count);
        Assert.Equal(["e2", "e3", "e4"], Names(_sent[1].Batch));

        foreach (var i in Enumerable.Range(5, 4)) _ = One(batcher, $"s{i}", Event($"e{i}"), 1);
        Assert.Equal(2, _sent.Count); // 2 in flight: MaxInFlight, however many wait
        Assert.Equal(4, batcher.Waiting);
        Answer(0);
        Assert.Equal(3, _sent.Count);
        Assert.Equal(["e5", "e6", "e7"], Names(_sent[2].Batch)); // MaxEvents, not all four
        Assert.Equal(1, batcher.Waiting);
        Answer(1);
        Assert.Equal(["e8"], Names(_sent[3].Batch)); // the slot that came free takes what waits
        Assert.All(_sent, s => Assert.True(s.Batch.Events.Length <= 3));
    }

    [Fact]
    public void A_batch_holds_at_most_MaxBytes_and_a_larger_event_goes_alone()
    {
        var batcher = Batcher(maxBytes: 100, maxInFlight: 1);
        _ = One(batcher, "s1", Event("e1"), 10);
        _ = One(batcher, "s2", Event("e2"), 50);
        _ = One(batcher, "s3", Event("e3"), 50); // 100 waiting: exactly the bound
        _ = One(batcher, "s4", Event("e4"), 1);
        Assert.Single(_sent); // MaxInFlight 1
        Answer(0);
        Assert.Equal(["e2", "e3"], Names(_sent[1].Batch)); // 100 bytes; e4 would make 101
        Assert.Equal(1, batcher.Waiting);
        Answer(1);
        Assert.Equal(["e4"], Names(_sent[2].Batch));
        Answer(2);

        _ = One(batcher, "s5", Event("big"), 500);
        Assert.Equal(["big"], Names(_sent[3].Batch)); // larger than the bound: a batch of its own
    }

    [Fact]
    public void The_bytes_bound_sends_another_batch_when_reached_while_one_is_in_flight()
    {
        var batcher = Batcher(maxBytes: 100, maxInFlight: 2);
        _ = One(batcher, "s1", Event("e1"), 10);
        _ = One(batcher, "s2", Event("e2"), 60);
        Assert.Single(_sent); // 60 waiting
        _ = One(batcher, "s3", Event("e3"), 39);
        Assert.Single(_sent); // 99 waiting: one byte under
        _ = One(batcher, "s4", Event("e4"), 1);
        Assert.Equal(2, _sent.Count); // 100: the bound
        Assert.Equal(["e2", "e3", "e4"], Names(_sent[1].Batch));
    }

    [Fact]
    public async Task Each_event_gets_its_own_outcome_and_an_error_fails_only_its_event()
    {
        var batcher = Batcher();
        _ = One(batcher, "s0", Event("e0"), 1);
        var ok = One(batcher, "s1", Event("e1"), 1);
        var failing = One(batcher, "s2", Event("e2"), 1);
        var silent = One(batcher, "s3", Event("e3"), 1);
        Answer(0);
        _sent[1].Answer.SetResult(new EventBatchResult([Ack("a1"), null, null], [null, new InvalidOperationException("handler failed"), null]));

        Assert.Equal("[\"a1\"]", Text(ok));
        Assert.Equal("handler failed", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        Assert.True(silent.IsCompletedSuccessfully);
        Assert.Null(await silent); // no early ack: a late one goes to the gateway's observer
    }

    [Fact]
    public async Task A_failed_batch_call_fails_each_of_its_events_and_the_next_batch_still_goes()
    {
        var batcher = Batcher();
        var lost = One(batcher, "s1", Event("e1"), 1);
        var waiting = One(batcher, "s2", Event("e2"), 1);
        _sent[0].Answer.SetException(new TimeoutException("silo lost"));

        Assert.True(lost.IsFaulted);
        await Assert.ThrowsAsync<TimeoutException>(() => lost);
        Assert.Equal(2, _sent.Count); // what waited goes, to wherever the link now lives
        Answer(1);
        Assert.True(waiting.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task An_answer_with_the_wrong_number_of_outcomes_fails_the_batch()
    {
        var batcher = Batcher();
        var outcome = One(batcher, "s1", Event("e1"), 1);
        _sent[0].Answer.SetResult(new EventBatchResult([], null));
        Assert.True(outcome.IsFaulted);
        await Assert.ThrowsAsync<InvalidOperationException>(() => outcome);
        Assert.Equal(0, batcher.InFlight);
    }

    [Fact]
    public void Batches_answered_out_of_order_hand_each_event_its_own_outcome()
    {
        var batcher = Batcher(maxEvents: 1, maxInFlight: 3);
        var outcomes = Enumerable.Range(1, 3).Select(i => One(batcher, $"s{i}", Event($"e{i}"), 1)).ToArray();
        Assert.Equal(3, _sent.Count);
        Answer(2);
        Answer(0);
        Answer(1);
        Assert.Equal(["[\"e1\"]", "[\"e2\"]", "[\"e3\"]"], outcomes.Select(Text));
    }

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(1, 0, 1)]
    [InlineData(1, 1, 0)]
    public void Bounds_below_one_are_refused(int maxEvents, long maxBytes, int maxInFlight) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Batcher(maxEvents, maxBytes, maxInFlight));
}
