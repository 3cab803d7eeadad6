namespace OrleansSocket.Grains.Adapters;

/// <summary>
/// A node attached to an adapter (<see cref="SocketIOAdapter.AttachNodeAsync"/>): while it is, what the adapter sends
/// the node's sockets reaches them. Disposing detaches the node.
/// </summary>
internal interface IAdapterNodeHandle : IAsyncDisposable
{
    /// <summary>Completes once what was sent to the node before the call has reached its sockets (immediately where
    /// delivery is synchronous).</summary>
    /// <exception cref="TimeoutException">nothing arrived within <paramref name="timeout"/>.</exception>
    Task FlushAsync(TimeSpan timeout);

    /// <summary>After a failure in the cluster: makes sure the node still receives (the Orleans adapter subscribes its
    /// stream again when the subscription was lost with a silo); nothing to do on one node.</summary>
    Task RecoverAsync();
}
