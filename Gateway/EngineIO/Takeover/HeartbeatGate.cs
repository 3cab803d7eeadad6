using Microsoft.AspNetCore.Connections.Features;

namespace OrleansSocket.Gateway.EngineIO.Takeover;

/// <summary>
/// The connection's heartbeat as Kestrel's HTTP layer sees it while a <see cref="WebSocketTakeover"/> may still happen.
/// The HTTP layer registers its timeout checks here and cannot unregister them; after <see cref="Cut"/> they no longer
/// run (a response timeout of the ended request would otherwise abort the WebSocket's connection) and are dropped,
/// so they no longer keep the request's objects alive.
/// </summary>
internal sealed class HeartbeatGate : IConnectionHeartbeatFeature
{
    private readonly Lock _lock = new();
    private List<(Action<object> Action, object State)>? _handlers = [];

    public HeartbeatGate(IConnectionHeartbeatFeature inner) => inner.OnHeartbeat(static state => ((HeartbeatGate)state).Tick(), this);

    public void OnHeartbeat(Action<object> action, object state)
    {
        lock (_lock) _handlers?.Add((action, state));
    }

    /// <summary>From now on no registered check runs.</summary>
    public void Cut()
    {
        lock (_lock) _handlers = null;
    }

    /// <summary>Runs the checks under the lock, as Kestrel's own heartbeat does, so a tick copies nothing.</summary>
    private void Tick()
    {
        lock (_lock)
        {
            if (_handlers is null) return;
            foreach (var (action, state) in _handlers) action(state);
        }
    }
}
