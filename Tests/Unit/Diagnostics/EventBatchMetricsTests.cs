using System.Text;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Tests.Diagnostics;

/// <summary>
/// What a thin gateway's batcher records: each batch's time from its send to the silos' answer, on the batcher's clock
/// (a fake one here), with the failure's type when the batch failed.
/// </summary>
public sealed class EventBatchMetricsTests : MetricsOnFakeClock
{
    private readonly List<TaskCompletionSource<EventBatchResult>> _answers = [];

    private (double Seconds, object? Error)[] Measured() => Capture.Durations(SocketIOInstrumentation.EventBatchDuration, "error.type");

    private EventBatcher Batcher() => new(_ =>
    {
        var answer = new TaskCompletionSource<EventBatchResult>();
        _answers.Add(answer);
        return answer.Task;
    }, new EventBatchingOptions(), Capture.Meters, Time);

    private static ClientEvent Event(string name) => new(name, SocketPayload.Empty, WantsAck: true);

    private static EventBatchResult Acks(int count) =>
        new([.. Enumerable.Range(0, count).Select(_ => (SocketPayload?)new SocketPayload(Encoding.UTF8.GetBytes("[1]")))], null);

    [Fact]
    public async Task Each_batch_records_the_time_from_its_send_to_its_answer()
    {
        var batcher = Batcher();
        var first = batcher.HandleEventsAsync("s0", [Event("a")], 1);
        Time.Advance(TimeSpan.FromMilliseconds(3));
        var second = batcher.HandleEventsAsync("s1", [Event("b"), Event("c")], 2); // waits behind the first
        Time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Empty(Measured());

        _answers[0].SetResult(Acks(1)); // the second batch goes now
        Time.Advance(TimeSpan.FromMilliseconds(7));
        _answers[1].SetResult(Acks(2));
        await Task.WhenAll(first, second);

        Assert.Equal([(0.005, null), (0.007, null)], Measured());
    }

    [Fact]
    public async Task A_failed_batch_records_its_time_with_the_failures_type()
    {
        var batcher = Batcher();
        var outcome = batcher.HandleEventsAsync("s0", [Event("a")], 1);
        Time.Advance(TimeSpan.FromMilliseconds(4));
        _answers[0].SetException(new IOException("the link closed"));

        await Assert.ThrowsAsync<IOException>(() => outcome);
        var (seconds, error) = Assert.Single(Measured());
        Assert.Equal(0.004, seconds);
        Assert.Equal(typeof(IOException).FullName, error);
    }
}
