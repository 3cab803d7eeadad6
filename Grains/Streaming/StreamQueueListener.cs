using Orleans.Streams;

namespace OrleansSocket.Grains.Streaming;

/// <summary>Registers a backing-off receiver with its queue's cluster-wide doorbell (for <see cref="BackOffQueueReceiver"/>).</summary>
internal interface IQueueListenerRegistration
{
    /// <summary>Adds or renews this silo's listener with the queue's doorbell grain.</summary>
    Task ListenAsync();

    /// <summary>Removes it (the receiver shuts down).</summary>
    Task LeaveAsync();
}

/// <summary>
/// The silo-side end of a queue's <see cref="IStreamQueueDoorbellGrain"/>: a grain observer in the silo whose pulling
/// agent pulls the queue, which rings the queue's <see cref="QueueDoorbell"/> in this process when another process rang.
/// </summary>
internal sealed class StreamQueueListener(IGrainFactory grains, QueueId queue, QueueDoorbell doorbell)
    : IStreamQueueListener, IQueueListenerRegistration
{
    /// <summary>How often a backing-off receiver renews its listener (which also restores a doorbell lost with its silo).</summary>
    internal static readonly TimeSpan Renewal = TimeSpan.FromSeconds(10);

    // The observer reference holds this object weakly; the receiver holds this object.
    private IStreamQueueListener? _reference;

    private IStreamQueueDoorbellGrain Doorbell => grains.GetGrain<IStreamQueueDoorbellGrain>(StreamQueueWaker.Key(queue));

    public Task Ring()
    {
        doorbell.Ring();
        return Task.CompletedTask;
    }

    public async Task ListenAsync()
    {
        // Orleans refuses to create an object reference in a grain's (or the pulling agent's) context: made off it.
        _reference ??= await Task.Run(() => grains.CreateObjectReference<IStreamQueueListener>(this));
        await Doorbell.Listen(_reference);
    }

    /// <summary>The queue, for the log.</summary>
    public override string ToString() => queue.ToString();

    public async Task LeaveAsync()
    {
        if (_reference is not { } reference) return;
        _reference = null;
        try
        {
            await Doorbell.Leave(reference);
        }
        finally
        {
            grains.DeleteObjectReference<IStreamQueueListener>(reference);
        }
    }
}
