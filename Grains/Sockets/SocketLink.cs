namespace OrleansSocket.Grains.Sockets;

/// <summary>
/// Hands a thin gateway's batch of events to the socket grains and gathers their outcomes in the batch's order: the work
/// of <see cref="ISocketLinkGrain.HandleEvents"/>, whether the batch came by grain call (<see cref="SocketLinkGrain"/>) or
/// over the silo's event link (<see cref="EventLinkListener"/>).
/// </summary>
/// <remarks>
/// A socket's events are next to each other in a batch and run in their order in one go
/// (<see cref="ISocketGrain.HandleEvents"/>). An event whose socket grain is active in this silo goes straight to the
/// activation's scheduler (<see cref="SocketGrainsHere"/>), without a grain call inside the silo; the others (a socket
/// grain on another silo, or not active) by grain call.
/// </remarks>
internal sealed class SocketLink(SocketGrainsHere here, IGrainFactory grains)
{
    /// <summary>Runs every socket's events of <paramref name="batch"/> at once and returns when all are done.</summary>
    /// <exception cref="ArgumentException">the batch has not one socket id per event.</exception>
    public async Task<EventBatchResult> HandleEventsAsync(EventBatch batch)
    {
        var ids = batch.SocketIds;
        var events = batch.Events;
        if (ids.Length != events.Length) throw new ArgumentException("A batch has one socket id per event.", nameof(batch));
        // One task per socket: its events are next to each other, and a socket's several events run in order in one go.
        var starts = new List<int>();
        var calls = new List<Task>();
        for (var start = 0; start < ids.Length;)
        {
            var end = start + 1;
            while (end < ids.Length && ids[end] == ids[start]) end++;
            starts.Add(start);
            calls.Add(end - start == 1 ? Handle(ids[start], events[start]) : Handle(ids[start], events[start..end]));
            start = end;
        }
        try
        {
            // One continuation for the whole batch, not one per socket.
            await Task.WhenAll(calls);
        }
        catch
        {
            // Each failed call's own exception is read below.
        }
        var outcomes = new BatchOutcomes(ids.Length);
        for (var i = 0; i < calls.Count; i++)
            outcomes.Add(starts[i], (i + 1 < starts.Count ? starts[i + 1] : ids.Length) - starts[i], calls[i]);
        return outcomes.ToResult();
    }

    private Task<SocketPayload?> Handle(string id, ClientEvent clientEvent) =>
        here.Find(id)?.TryHandle(clientEvent) ?? grains.GetGrain<ISocketGrain>(id).HandleEvent(clientEvent);

    private Task<EventBatchResult> Handle(string id, ClientEvent[] clientEvents) =>
        here.Find(id)?.TryHandle(clientEvents) ?? grains.GetGrain<ISocketGrain>(id).HandleEvents(clientEvents);
}
