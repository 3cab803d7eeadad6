namespace OrleansSocket.Grains.Sockets;

/// <summary>
/// The outcomes of a batch's socket groups (<see cref="SocketLinkGrain"/>), gathered into one
/// <see cref="EventBatchResult"/> in the batch's order. A group whose call failed, or that was answered with another
/// number of outcomes than it had events, fails its own events only: the batch's other sockets keep theirs.
/// </summary>
/// <param name="events">The batch's events.</param>
internal sealed class BatchOutcomes(int events)
{
    private readonly SocketPayload?[] _acks = new SocketPayload?[events];
    private Exception?[]? _errors;

    /// <summary>Places the outcome of the call that ran the <paramref name="count"/> events from <paramref name="start"/> on.</summary>
    /// <param name="start">The group's first event in the batch.</param>
    /// <param name="count">The group's events.</param>
    /// <param name="call">A completed call: <c>Task&lt;SocketPayload?&gt;</c> for one event, <c>Task&lt;EventBatchResult&gt;</c> for several.</param>
    public void Add(int start, int count, Task call)
    {
        if (!call.IsCompletedSuccessfully)
        {
            Fail(start, count, call.Exception?.InnerException ?? new TaskCanceledException(call));
            return;
        }
        if (call is Task<SocketPayload?> one)
        {
            _acks[start] = one.Result;
            return;
        }
        var group = ((Task<EventBatchResult>)call).Result;
        if (group.Mismatch(count) is { } mismatch)
        {
            Fail(start, count, mismatch);
            return;
        }
        group.Acks.CopyTo(_acks, start);
        if (group.Errors is { } failed) failed.CopyTo(_errors ??= new Exception?[_acks.Length], start);
    }

    public EventBatchResult ToResult() => new(_acks, _errors);

    private void Fail(int start, int count, Exception error)
    {
        _errors ??= new Exception?[_acks.Length];
        Array.Fill(_errors, error, start, count);
    }
}
