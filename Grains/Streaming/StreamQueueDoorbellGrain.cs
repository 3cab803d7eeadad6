namespace OrleansSocket.Grains.Streaming;

/// <summary>
/// <see cref="IStreamQueueDoorbellGrain"/>: forwards each ring to the listeners of the queue (normally one, the silo
/// pulling it; two while the queue moves between silos). A listener not renewed within <see cref="Expiry"/> (its silo
/// died) is dropped; listeners renew every <see cref="StreamQueueListener.Renewal"/> while their pulls back off, which
/// also re-creates this activation's list if it was lost with its silo.
/// </summary>
internal sealed class StreamQueueDoorbellGrain(TimeProvider time) : Grain, IStreamQueueDoorbellGrain
{
    /// <summary>How long a listener stays without renewing.</summary>
    internal static readonly TimeSpan Expiry = StreamQueueListener.Renewal * 6;

    private readonly Dictionary<IStreamQueueListener, long> _listeners = [];

    public Task Listen(IStreamQueueListener listener)
    {
        _listeners[listener] = time.GetTimestamp();
        DropExpired();
        return Task.CompletedTask;
    }

    public Task Leave(IStreamQueueListener listener)
    {
        _listeners.Remove(listener);
        return Task.CompletedTask;
    }

    public Task Ring()
    {
        DropExpired();
        // One-way: a listener on a silo that died costs no wait here.
        foreach (var listener in _listeners.Keys) listener.Ring();
        return Task.CompletedTask;
    }

    private void DropExpired()
    {
        var now = time.GetTimestamp();
        foreach (var (listener, renewed) in _listeners)
            if (time.GetElapsedTime(renewed, now) > Expiry) _listeners.Remove(listener);
    }
}
