using Orleans.Concurrency;

namespace OrleansSocket.Grains.Broadcasting;

/// <summary>
/// Collects one broadcast's acks. Reentrant: gateways report while the emitter's <see cref="Collect"/> waits.
/// </summary>
[Reentrant]
internal sealed class BroadcastAckGrain(TimeProvider time) : Grain, IBroadcastAckGrain
{
    private readonly List<SocketAckReply> _replies = [];
    private readonly TaskCompletionSource _allReported = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _reports;
    private int _targeted;
    private int _expected = -1;

    public Task Report(string gatewayId, int targeted, SocketAckReply[] replies)
    {
        _reports++;
        _targeted += targeted;
        _replies.AddRange(replies);
        if (_expected >= 0 && _reports >= _expected) _allReported.TrySetResult();
        return Task.CompletedTask;
    }

    public async Task<BroadcastAckResult> Collect(int gateways, TimeSpan timeout)
    {
        _expected = gateways;
        if (_reports >= gateways) _allReported.TrySetResult();
        var complete = await Task.WhenAny(_allReported.Task, Task.Delay(timeout, time)) == _allReported.Task;
        DeactivateOnIdle();
        return new BroadcastAckResult([.. _replies], _targeted, complete);
    }
}
