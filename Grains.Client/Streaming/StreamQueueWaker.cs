using System.Collections.Concurrent;
using Orleans.Configuration;
using Orleans.Streams;

namespace OrleansSocket.Grains.Streaming;

/// <summary>
/// Wakes the pull of a gateway stream's queue after something was published on it, in whichever process pulls it: the
/// queue's <see cref="QueueDoorbell"/> in this process, and, when no receiver of the queue runs here (another silo's
/// agent pulls it, or this is an Orleans client), the queue's cluster-wide <see cref="IStreamQueueDoorbellGrain"/>,
/// one-way and at most once per pull period per queue: a queue rung within the last pull period is being pulled
/// every pull period anyway (its pulls back off only after two empty ones). So the pulls of an idle queue can back
/// off in a cluster of several silos too without holding up a broadcast published in another process.
/// </summary>
internal sealed class StreamQueueWaker(IGrainFactory grains, SocketIOStreamOptions options, TimeProvider time)
{
    // The silos' partitioning of the gateway streams (AddSocketIOGrains: the same options, the same provider name).
    private readonly HashRingBasedStreamQueueMapper _queues =
        new(new HashRingStreamQueueMapperOptions { TotalQueueCount = options.Queues }, GatewayStreams.Provider);

    private readonly ConcurrentDictionary<QueueId, long> _lastRemoteRing = new();
    private long _remoteRings;

    /// <summary>The key of the doorbell grain of <paramref name="queue"/>.</summary>
    public static string Key(QueueId queue) => $"{GatewayStreams.Provider}/{queue}";

    /// <summary>How many times a remote doorbell was rung (for tests).</summary>
    internal long RemoteRings => Interlocked.Read(ref _remoteRings);

    /// <summary>A message was published on the stream of the gateway <paramref name="gatewayId"/>.</summary>
    public void Published(string gatewayId)
    {
        var queue = _queues.GetQueueForStream(GatewayStreams.For(gatewayId));
        var bell = QueueDoorbell.For(GatewayStreams.Provider, queue);
        bell.Ring();
        if (bell.HasReceiver) return;
        var now = time.GetTimestamp();
        if (_lastRemoteRing.TryGetValue(queue, out var last) && time.GetElapsedTime(last, now) < options.PullPeriod) return;
        _lastRemoteRing[queue] = now;
        Interlocked.Increment(ref _remoteRings);
        try
        {
            // One-way: completes at once; the ring is a hint, and a lost one delays the pull by one idle period at most.
            _ = grains.GetGrain<IStreamQueueDoorbellGrain>(Key(queue)).Ring();
        }
        catch (InvalidOperationException)
        {
            // An Orleans client not connected (yet, or any more): nothing pulls for it to wake.
        }
    }
}
