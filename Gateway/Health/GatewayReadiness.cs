namespace OrleansSocket.Gateway.Health;

/// <summary>
/// What the gateway's readiness check reads: whether the host began stopping (a draining gateway takes no new
/// connections), whether its start-up warm-up still runs, and when the gateway last renewed its lease in the cluster
/// (proof that its Orleans client reaches the silos and the gateway membership grain).
/// </summary>
internal sealed class GatewayReadiness(TimeProvider time, IHostApplicationLifetime? lifetime = null)
{
    private long _lastRenewal = long.MinValue;
    private string? _lastFailure;
    private volatile bool _noLease;
    private volatile bool _warmingUp;

    /// <summary>The host began stopping: the gateway drains.</summary>
    public bool Draining => lifetime?.ApplicationStopping.IsCancellationRequested ?? false;

    /// <summary>The lease was renewed now.</summary>
    public void LeaseRenewed()
    {
        Volatile.Write(ref _lastFailure, null);
        Interlocked.Exchange(ref _lastRenewal, time.GetTimestamp());
    }

    /// <summary>The adapter keeps no leases (one process, the in-process adapter): ready while not draining.</summary>
    public void NoLeaseKept() => _noLease = true;

    /// <summary>The start-up warm-up began (true) or ended (false): not ready meanwhile.</summary>
    public void WarmingUp(bool running) => _warmingUp = running;

    /// <summary>A renewal failed (the lease may still hold).</summary>
    public void LeaseRenewalFailed(Exception e) => Volatile.Write(ref _lastFailure, $"{e.GetType().Name}: {e.Message}");

    /// <summary>Why the gateway is not ready, or null when it is: not draining, and its lease renewed within <paramref name="lease"/>.</summary>
    public string? NotReadyReason(TimeSpan lease)
    {
        if (Draining) return "draining: the host is stopping";
        if (_warmingUp) return "warming up";
        if (_noLease) return null;
        var last = Interlocked.Read(ref _lastRenewal);
        if (last == long.MinValue) return Volatile.Read(ref _lastFailure) is { } failure
            ? $"not in the cluster yet: {failure}"
            : "not in the cluster yet";
        var age = time.GetElapsedTime(last);
        if (age <= lease) return null;
        return $"lease last renewed {age.TotalSeconds:0.#} s ago" + (Volatile.Read(ref _lastFailure) is { } why ? $": {why}" : "");
    }
}
