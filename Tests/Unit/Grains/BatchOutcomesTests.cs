using System.Text;
using OrleansSocket.Grains.Sockets;

namespace OrleansSocket.Tests.Grains;

/// <summary>
/// How the link grain gathers its socket groups' outcomes into one batch result: each in its place, and a group whose call
/// failed, or that was answered with the wrong number of outcomes, fails its own events only.
/// </summary>
public sealed class BatchOutcomesTests
{
    private static SocketPayload Ack(string json) => new(Encoding.UTF8.GetBytes(json));

    private static string Json(SocketPayload? payload) => payload is null ? "null" : Encoding.UTF8.GetString(payload.ArgsJson);

    [Fact]
    public void Each_groups_outcomes_go_in_their_place()
    {
        var outcomes = new BatchOutcomes(4);
        outcomes.Add(0, 1, Task.FromResult<SocketPayload?>(Ack("[0]")));
        outcomes.Add(1, 3, Task.FromResult(new EventBatchResult([Ack("[1]"), null, Ack("[3]")], [null, new TimeoutException("e2"), null])));

        var result = outcomes.ToResult();

        Assert.Equal(["[0]", "[1]", "null", "[3]"], result.Acks.Select(Json));
        Assert.Equal([null, null, "e2", null], result.Errors!.Select(e => e?.Message));
    }

    [Fact]
    public void Without_a_failure_there_are_no_errors()
    {
        var outcomes = new BatchOutcomes(2);
        outcomes.Add(0, 2, Task.FromResult(new EventBatchResult([Ack("[0]"), Ack("[1]")], null)));

        Assert.Null(outcomes.ToResult().Errors);
    }

    [Fact]
    public void A_failed_call_fails_its_groups_events_and_no_other()
    {
        var outcomes = new BatchOutcomes(3);
        outcomes.Add(0, 2, Task.FromException<EventBatchResult>(new TimeoutException("silo gone")));
        outcomes.Add(2, 1, Task.FromResult<SocketPayload?>(Ack("[2]")));

        var result = outcomes.ToResult();

        Assert.Equal(["silo gone", "silo gone", null], result.Errors!.Select(e => e?.Message));
        Assert.Equal("[2]", Json(result.Acks[2]));
    }

    [Theory]
    [InlineData(1, false)] // one outcome for two events
    [InlineData(3, false)]
    [InlineData(2, true)] // the right number of acks, the wrong number of errors
    public void A_group_answered_with_another_number_of_outcomes_fails_its_own_events_only(int answered, bool wrongErrors)
    {
        var outcomes = new BatchOutcomes(3);
        outcomes.Add(0, 1, Task.FromResult<SocketPayload?>(Ack("[0]")));
        var acks = Enumerable.Range(0, answered).Select(i => (SocketPayload?)Ack($"[{i}]")).ToArray();
        outcomes.Add(1, 2, Task.FromResult(new EventBatchResult(acks, wrongErrors ? new Exception?[1] : null)));

        var result = outcomes.ToResult();

        Assert.Equal("[0]", Json(result.Acks[0]));
        Assert.Null(result.Errors![0]);
        Assert.All(result.Errors[1..], e => Assert.Contains("2 events were answered with", Assert.IsType<InvalidOperationException>(e).Message));
        Assert.Null(result.Acks[1]);
        Assert.Null(result.Acks[2]);
    }
}
