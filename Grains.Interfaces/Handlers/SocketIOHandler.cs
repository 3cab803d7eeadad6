namespace OrleansSocket;

/// <summary>
/// Optional base class of handler classes: exposes the socket the current event is for, like SignalR's
/// <c>Hub.Context</c>. An instance is created for every invocation (with constructor injection from the
/// invocation's own DI scope, so scoped services are new per event), so keep per-socket state in
/// <see cref="ISocket.Session"/>, not in fields.
/// </summary>
public abstract class SocketIOHandler
{
    private ISocket? _socket;

    /// <summary>The socket of the event being handled. Set by the dispatcher before each invocation
    /// (so it is not available in the constructor); public like SignalR's <c>Hub.Context</c> so tests can set it.</summary>
    public ISocket Socket
    {
        get => _socket ?? throw new InvalidOperationException(
            "Socket is set by the dispatcher before each handler invocation; it is not available in the constructor.");
        set => _socket = value ?? throw new ArgumentNullException(nameof(value));
    }
}
