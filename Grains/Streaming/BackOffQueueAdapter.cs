using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace OrleansSocket.Grains.Streaming;

/// <summary>
/// Wraps a stream provider's queue adapter factory (the broadcast memory streams) so that its queues are pulled by
/// <see cref="BackOffQueueReceiver"/>s and every message it queues rings its queue's <see cref="QueueDoorbell"/>:
/// an idle silo stops pulling every pull period, and a broadcast published in the process wakes the pull at once.
/// </summary>
internal sealed class BackOffQueueAdapterFactory(IQueueAdapterFactory inner, SocketIOStreamOptions options, TimeProvider time,
    IGrainFactory? grains = null, ILogger? logger = null) : IQueueAdapterFactory
{
    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) =>
        new BackOffQueueAdapter(await inner.CreateAdapter(cancellationToken), inner.GetStreamQueueMapper(), options, time, grains, logger);

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public IQueueAdapterCache GetQueueAdapterCache() => inner.GetQueueAdapterCache();

    public IStreamQueueMapper GetStreamQueueMapper() => inner.GetStreamQueueMapper();

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => inner.GetDeliveryFailureHandler(queueId);
}

/// <summary>The adapter of <see cref="BackOffQueueAdapterFactory"/>: rings on queueing, backs off on receiving.</summary>
internal sealed class BackOffQueueAdapter(IQueueAdapter inner, IStreamQueueMapper queues, SocketIOStreamOptions options,
    TimeProvider time, IGrainFactory? grains = null, ILogger? logger = null) : IQueueAdapter
{
    public string Name => inner.Name;

    public bool IsRewindable => inner.IsRewindable;

    public StreamProviderDirection Direction => inner.Direction;

    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token,
        Dictionary<string, object>? requestContext)
    {
        await inner.QueueMessageBatchAsync(streamId, events, token, requestContext);
        // After the queue holds it: the woken pull finds it.
        QueueDoorbell.For(Name, queues.GetQueueForStream(streamId)).Ring();
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var doorbell = QueueDoorbell.For(Name, queueId);
        // Listens on the queue's doorbell grain only under the provider name the publishers ring (StreamQueueWaker).
        var remote = grains is not null && Name == GatewayStreams.Provider ? new StreamQueueListener(grains, queueId, doorbell) : null;
        return new BackOffQueueReceiver(inner.CreateReceiver(queueId), doorbell, options.PullPeriod,
            options.IdlePullPeriodOrDefault, time, remote, logger);
    }
}
