namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// The upgrade negotiation of a polling session (engine.io's <c>maybeUpgrade</c>): the WebSocket probing, its
/// timeout, and, once "3probe" is sent, the task polls wait on. Not thread-safe: the session guards it, and moves
/// the session to the probe itself when the upgrade packet arrives.
/// </summary>
internal sealed class EngineUpgrade
{
    private ITimer? _timer;
    // Set once "3probe" is sent (pending polls are then released with a noop); completed and cleared when that
    // probe upgrades or is given up.
    private TaskCompletionSource? _settled;

    /// <summary>The WebSocket in the probe phase, if any.</summary>
    public WebSocketTransport? Probe { get; private set; }

    /// <summary>The probe was answered: polls get a noop when nothing is queued, so the client can pause.</summary>
    public bool ProbeAnswered => _settled is not null;

    /// <summary>While an answered probe waits for its upgrade packet, completes when it upgrades or is given up.</summary>
    public Task? Settling => _settled?.Task;

    /// <summary>Starts probing with <paramref name="probe"/>; <paramref name="onTimeout"/> runs if it does not upgrade in time.</summary>
    public void Begin(WebSocketTransport probe, TimeProvider time, TimeSpan timeout, Action onTimeout)
    {
        Probe = probe;
        _timer = time.CreateTimer(static s => ((Action)s!)(), onTimeout, timeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>"3probe" went out on the probe.</summary>
    public void MarkAnswered() => _settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The probe upgraded or was given up: no more probe, timer stopped, waiting polls released.</summary>
    /// <returns>The probe it was, if any.</returns>
    public WebSocketTransport? End()
    {
        var probe = Probe;
        Probe = null;
        _timer?.Dispose();
        _timer = null;
        _settled?.TrySetResult();
        _settled = null;
        return probe;
    }
}
