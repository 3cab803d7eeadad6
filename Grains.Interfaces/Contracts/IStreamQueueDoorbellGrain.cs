using Orleans.Concurrency;

namespace OrleansSocket.Internal;

/// <summary>
/// The cluster-wide doorbell of one broadcast stream queue (keyed <c>provider/queue</c>): the silo whose pulling agent
/// pulls the queue listens here while its pulls back off, and a process that queued a message on it without pulling it
/// rings, so that a broadcast published in another process is pulled at once rather than after the idle pull period.
/// A ring is a hint: a lost one only delays the pull until the next one.
/// </summary>
[Alias("OrleansSocket.IStreamQueueDoorbellGrain")]
internal interface IStreamQueueDoorbellGrain : IGrainWithStringKey
{
    /// <summary>Adds (or renews) <paramref name="listener"/>, which the pulling agent renews while it lives.</summary>
    [Alias("Listen")]
    Task Listen(IStreamQueueListener listener);

    /// <summary>Removes <paramref name="listener"/> (its agent stopped pulling the queue here).</summary>
    [Alias("Leave")]
    Task Leave(IStreamQueueListener listener);

    /// <summary>A message was queued: rings every listener.</summary>
    [Alias("Ring"), OneWay]
    Task Ring();
}

/// <summary>The silo-side end of <see cref="IStreamQueueDoorbellGrain"/>: wakes the local pull of its queue.</summary>
[Alias("OrleansSocket.IStreamQueueListener")]
internal interface IStreamQueueListener : IGrainObserver
{
    /// <summary>A message was queued in another process: the pull of the queue stops waiting.</summary>
    [Alias("Ring"), OneWay]
    Task Ring();
}
