namespace OrleansSocket.Grains.Adapters;

/// <summary>
/// The node (gateway) this process is, registered by the gateway's <c>AddSocketIO</c>: the adapter's
/// <see cref="BroadcastOptions.Local"/> operations without a <see cref="BroadcastOptions.Node"/> (those of the process's
/// <see cref="ISocketIO"/>) reach this node's sockets. A process without one (a silo, an emitter) holds no sockets.
/// </summary>
/// <param name="Id">The gateway id.</param>
internal sealed record LocalNode(string Id);
