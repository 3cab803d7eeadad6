namespace OrleansSocket.Grains.Sockets;

/// <summary>
/// A socket grain's activation as the gateway's socket in the same process holds it (the embedded and co-hosted shapes):
/// events handed to the activation's own scheduler, run as <see cref="ISocketGrain.PostEvent"/> and
/// <see cref="ISocketGrain.PostEvents"/> run them, without the grain call's message.
/// </summary>
/// <remarks>
/// Why: between two objects of one process, a one-way grain call still costs Orleans a request message, its routing
/// through the message center and the activation's message queue, and the invokable; the turn on the activation's
/// scheduler is the only part the socket needs (one thread at a time for the socket's state). The activation hands this
/// to the gateway's socket when it connects (<see cref="Adapters.IAdapterSocket.AttachLocalGrain"/>).
/// </remarks>
internal interface ILocalSocketGrain
{
    /// <summary>
    /// Queues <paramref name="clientEvent"/> on the activation's scheduler, to run and be reported with
    /// <paramref name="receipt"/> as a posted event is. False when the activation is gone (deactivated): the caller then
    /// makes the grain call, which finds or makes the grain's activation.
    /// </summary>
    bool TryPost(ClientEvent clientEvent, EventReceipt receipt);

    /// <summary>As <see cref="TryPost(ClientEvent, EventReceipt)"/>, for consecutive events run in order and reported once.</summary>
    bool TryPost(ClientEvent[] clientEvents, EventReceipt receipt);

    /// <summary>
    /// Runs <paramref name="clientEvent"/>'s handler on the calling thread, off the activation's turn, when it needs nothing
    /// of its socket (no <c>ISocket</c>, <c>IAck</c>, services or <c>[Authorize]</c>, no middleware before it), and returns
    /// its answer: null in the task when the client asked for none or the handler failed. Null when the event must be
    /// posted (another kind of handler, or the activation is gone).
    /// </summary>
    Task<SocketPayload?>? TryRunDetached(ClientEvent clientEvent);
}
