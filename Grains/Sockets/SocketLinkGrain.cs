using Orleans.Concurrency;

namespace OrleansSocket.Grains.Sockets;

/// <summary>
/// Hands a gateway's batch of events to the socket grains (see <see cref="ISocketLinkGrain"/> and
/// <see cref="SocketLink"/>). A stateless worker, so an activation is on the silo the gateway's call reached, and
/// reentrant: a batch waiting on a slow handler does not hold up the gateway's next batch.
/// </summary>
[StatelessWorker, Reentrant]
internal sealed class SocketLinkGrain(SocketGrainsHere here, IGrainFactory grains, EventLinkEndpoint endpoint) : Grain, ISocketLinkGrain
{
    private readonly SocketLink _link = new(here, grains);

    public Task<EventBatchResult> HandleEvents(EventBatch batch) => _link.HandleEventsAsync(batch);

    public Task<string?> GetEventLinkEndpoint() => Task.FromResult(endpoint.Address);
}
