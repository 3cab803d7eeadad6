using Orleans.Concurrency;

namespace OrleansSocket.Grains.Sockets;

/// <summary>
/// Hands a gateway's batch of events to the socket grains (see <see cref="ISocketLinkGrain"/>). A stateless worker, so
/// an activation is on the silo the gateway's call reached, and reentrant: a batch waiting on a slow handler does not
/// hold up the gateway's next batch.
/// </summary>
/// <remarks>
/// An event whose socket grain is active in this silo goes straight to the activation's scheduler
/// (<see cref="SocketGrainsHere"/>), without a grain call inside the silo; the others (a socket grain on another silo, or
/// not active) by grain call.
/// </remarks>
[StatelessWorker, Reentrant]
internal sealed class SocketLinkGrain(SocketGrainsHere here) : Grain, ISocketLinkGrain
{
    public async Task<EventBatchResult> HandleEvents(EventBatch batch)
    {
        var ids = batch.SocketIds;
        var events = batch.Events;
        if (ids.Length != events.Length) throw new ArgumentException("A batch has one socket id per event.", nameof(batch));
        var calls = new Task<SocketPayload?>[ids.Length];
        for (var i = 0; i < calls.Length; i++)
            calls[i] = here.Find(ids[i])?.TryHandle(events[i]) ?? GrainFactory.GetGrain<ISocketGrain>(ids[i]).HandleEvent(events[i]);
        try
        {
            // One continuation on this activation for the whole batch, not one per event.
            await Task.WhenAll(calls);
        }
        catch
        {
            // Each failed call's own exception is read below.
        }
        var acks = new SocketPayload?[calls.Length];
        Exception?[]? errors = null;
        for (var i = 0; i < calls.Length; i++)
        {
            var call = calls[i];
            if (call.IsCompletedSuccessfully) acks[i] = call.GetAwaiter().GetResult();
            else (errors ??= new Exception?[calls.Length])[i] = call.Exception?.InnerException ?? new TaskCanceledException(call);
        }
        return new EventBatchResult(acks, errors);
    }
}
