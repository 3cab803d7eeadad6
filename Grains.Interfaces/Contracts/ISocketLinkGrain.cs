namespace OrleansSocket.Internal;

/// <summary>
/// A thin gateway's link to the silos for client events: a batch of events of many sockets crosses the network in one
/// call, and the link hands each to its <see cref="ISocketGrain"/> inside the silo. Keyed by the gateway id. Stateless: an
/// activation lives on the silo that took the call, and a lost silo loses only the calls it was running (each event of
/// such a batch fails at the gateway as its own grain call would).
/// </summary>
[Alias("OrleansSocket.ISocketLinkGrain")]
internal interface ISocketLinkGrain : IGrainWithStringKey
{
    /// <summary>
    /// Calls <see cref="ISocketGrain.HandleEvent"/> for every event of the batch, all at once (they are of different
    /// sockets), and returns when every call has returned; a handler's late answer goes to the gateway's observer, as
    /// for a direct call.
    /// </summary>
    [Alias("HandleEvents")]
    Task<EventBatchResult> HandleEvents(EventBatch batch);

    /// <summary>
    /// Where this silo's event link listens (<c>SocketIO:EventLink</c>, "address:port"), for a gateway to send its batches
    /// there without a grain call each; null when the silo has no event link.
    /// </summary>
    [Alias("GetEventLinkEndpoint")]
    Task<string?> GetEventLinkEndpoint();
}
