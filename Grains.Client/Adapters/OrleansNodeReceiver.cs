using Microsoft.Extensions.Logging;
using Orleans.Streams;
using OrleansSocket.Grains.Diagnostics;
using OrleansSocket.Grains.Streaming;

namespace OrleansSocket.Grains.Adapters;

/// <summary>
/// The Orleans adapter's receiving half for one node (<see cref="OrleansAdapter.AttachNodeAsync"/>): subscribes the
/// node's broadcast stream (<see cref="GatewayStreams.For"/>) and delivers every <see cref="GatewayBroadcast"/> to the
/// node's sockets it addresses, encoded once; with acks, each socket gets its own ack id and the answers are reported
/// to the broadcast's collector grain. Flush markers (<see cref="FlushAsync"/>) travel the same stream.
/// </summary>
internal sealed class OrleansNodeReceiver : IAdapterNodeHandle
{
    // No real namespace starts with a NUL: the start-up warm-up message and flush markers reach no socket.
    private const string WarmUpNamespace = "/\u0000warm-up";
    private const string FlushNamespace = "/\u0000flush";

    private readonly AdapterNode _node;
    private readonly IGrainFactory _grains;
    private readonly IAsyncStream<GatewayBroadcast> _stream;
    private readonly ILogger _logger;
    private readonly Dictionary<Guid, TaskCompletionSource> _flushes = [];
    private readonly Action _detached;
    private readonly SocketIOMeters? _meters;
    private StreamQueueWaker? _waker;
    private StreamSubscriptionHandle<GatewayBroadcast>? _subscription;

    // Broadcasts published in this process, delivered by this receiver's own loop (DeliverHereAsync).
    private readonly LocalBroadcastQueue _local;
    private Task? _localLoop;

    private OrleansNodeReceiver(AdapterNode node, IGrainFactory grains, IStreamProvider streams, ILogger logger, Action detached, SocketIOMeters? meters,
        SocketIOStreamOptions limits)
    {
        _local = new LocalBroadcastQueue(limits.MaxLocalBroadcastQueueLength, limits.MaxLocalBroadcastQueueBytes);
        _meters = meters;
        _node = node;
        _detached = detached;
        _grains = grains;
        _logger = logger;
        _stream = streams.GetStream<GatewayBroadcast>(GatewayStreams.For(node.Id));
    }

    /// <summary>Subscribes <paramref name="node"/>'s stream and sends one warm-up message through it.</summary>
    /// <param name="node">The node whose sockets get what arrives.</param>
    /// <param name="grains">Reaches the broadcast ack collectors.</param>
    /// <param name="streams">The broadcast stream provider.</param>
    /// <param name="logger">Where the receiver logs.</param>
    /// <param name="detached">Called once the node is detached (<see cref="DisposeAsync"/>).</param>
    /// <param name="meters">Where broadcasts received and delivered are counted.</param>
    /// <param name="limits">The bounds of the queue of broadcasts published in this process; null: the defaults.</param>
    /// <param name="waker">Wakes the pull of the stream's queue after this receiver's own messages (warm-up, flush).</param>
    public static async Task<OrleansNodeReceiver> StartAsync(AdapterNode node, IGrainFactory grains, IStreamProvider streams, ILogger logger, Action detached,
        SocketIOMeters? meters = null, SocketIOStreamOptions? limits = null, StreamQueueWaker? waker = null)
    {
        var receiver = new OrleansNodeReceiver(node, grains, streams, logger, detached, meters, limits ?? new SocketIOStreamOptions());
        receiver._waker = waker;
        receiver._localLoop = Task.Run(receiver.DeliverLocalAsync);
        receiver._subscription = await receiver._stream.SubscribeAsync(receiver.OnNext, receiver.OnError);
        OrleansNodeReceiverLog.Subscribed(logger, node.Id);
        // One message through the whole path now (producer registration, queue, pulling agent, delivery), so the
        // first real broadcast does not pay for it on a cold process. It names no namespace any socket is in.
        await receiver._stream.OnNextAsync(new GatewayBroadcast(WarmUpNamespace, [], [], new OutboundPacket(WarmUpNamespace, "warm-up", SocketPayload.Empty)));
        waker?.Published(node.Id);
        return receiver;
    }

    /// <summary>A marker behind what was published so far (one queue per stream, in order): completes when it arrives.</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        var id = Guid.NewGuid();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_flushes) _flushes[id] = done;
        try
        {
            await _stream.OnNextAsync(new GatewayBroadcast(FlushNamespace, [id.ToString("N")], [], new OutboundPacket(FlushNamespace, "flush", SocketPayload.Empty)));
            _waker?.Published(_node.Id);
            await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Node {_node.Id}: its broadcast stream delivered nothing within {timeout.TotalMilliseconds} ms.", e);
        }
        finally
        {
            lock (_flushes) _flushes.Remove(id);
        }
    }

    /// <summary>
    /// After a silo failure: the stream's pub-sub state (memory grain storage) may have been lost with the silo, which
    /// would leave this node deaf to broadcasts. Subscribes again when the subscription is not listed.
    /// </summary>
    public async Task RecoverAsync()
    {
        var handles = await _stream.GetAllSubscriptionHandles();
        if (_subscription is { } current && handles.Any(h => h.HandleId == current.HandleId)) return;
        if (_subscription is { } stale)
        {
            // Drops the old handle's local callback too: a pulling agent that still knows the old subscription must
            // not deliver every broadcast twice.
            try
            {
                await stale.UnsubscribeAsync();
            }
            catch (Exception e)
            {
                OrleansNodeReceiverLog.StaleUnsubscribeFailed(_logger, e, _node.Id);
            }
        }
        _subscription = await _stream.SubscribeAsync(OnNext, OnError);
        OrleansNodeReceiverLog.Resubscribed(_logger, _node.Id);
    }

    public async ValueTask DisposeAsync()
    {
        _detached();
        _local.Complete(); // what was queued is still delivered
        if (_localLoop is { } loop) await loop;
        if (_subscription is not { } subscription) return;
        _subscription = null;
        try
        {
            await subscription.UnsubscribeAsync();
        }
        catch (Exception e)
        {
            OrleansNodeReceiverLog.UnsubscribeFailed(_logger, e, _node.Id);
        }
    }

    /// <summary>
    /// A broadcast published in this process: queued for this node's own delivery loop instead of the
    /// node's stream (<see cref="OrleansAdapter"/>), in order, delivered as a stream message is. Completes once queued;
    /// while the queue is at one of its bounds (<see cref="SocketIOStreamOptions.MaxLocalBroadcastQueueLength"/>,
    /// <see cref="SocketIOStreamOptions.MaxLocalBroadcastQueueBytes"/>) the publisher waits, and a volatile broadcast is
    /// dropped. Completes without queuing when the node detached meanwhile: it holds no sockets to deliver to, as a stream
    /// without its subscriber.
    /// </summary>
    public async ValueTask DeliverHereAsync(GatewayBroadcast broadcast)
    {
        var admission = await _local.EnqueueAsync(broadcast);
        if (admission is not (LocalAdmission.Dropped or LocalAdmission.DroppingStarted)) return;
        _meters?.PacketDropped("broadcast_queue"); // once per broadcast: its sockets are not resolved yet
        if (admission == LocalAdmission.DroppingStarted)
            OrleansNodeReceiverLog.LocalQueueFull(_logger, _node.Id, broadcast.Namespace, _local.Count, _local.Bytes);
    }

    /// <summary>The queue of broadcasts published in this process (<see cref="DeliverHereAsync"/>), for tests.</summary>
    internal LocalBroadcastQueue LocalQueue => _local;

    /// <summary>
    /// Delivers what this process published to the node, one broadcast after another, on the thread pool: not on the
    /// publishing grain's scheduler, whose activation may be gone before a delivery's continuations run.
    /// </summary>
    private async Task DeliverLocalAsync()
    {
        var reader = _local.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var queued))
            {
                // Counted until delivered (written to the sockets' own bounded send queues), then its room is given back.
                _ = OnNext(queued.Broadcast, null);
                _local.Release(queued);
            }
        }
    }

    private Task OnNext(GatewayBroadcast broadcast, StreamSequenceToken? token)
    {
        try
        {
            return Deliver(broadcast);
        }
        catch (Exception e)
        {
            // One bad broadcast must not end the subscription for every later one.
            OrleansNodeReceiverLog.DeliveryFailed(_logger, e, _node.Id, broadcast.Namespace);
            return Task.CompletedTask;
        }
    }

    private Task OnError(Exception e)
    {
        OrleansNodeReceiverLog.StreamError(_logger, e, _node.Id);
        return Task.CompletedTask;
    }

    private Task Deliver(GatewayBroadcast broadcast)
    {
        if (broadcast.Namespace == FlushNamespace)
        {
            TaskCompletionSource? done = null;
            if (Guid.TryParse(broadcast.Rooms[0], out var id)) lock (_flushes) done = _flushes.GetValueOrDefault(id);
            done?.TrySetResult();
            return Task.CompletedTask;
        }
        var targets = _node.Resolve(broadcast.Namespace, broadcast.Rooms, broadcast.ExceptRooms);
        _meters?.BroadcastReceived(targets.Count);
        using var activity = targets.Count > 0 ? BroadcastTelemetry.StartDelivery(broadcast, targets.Count) : null;
        if (targets.Count == 0) return Task.CompletedTask; // nothing to encode (also the warm-up message)
        if (broadcast.AckCollector is { } collector)
        {
            // Not awaited: the stream's next message must not wait for these clients' answers.
            _ = DeliverWithAcksAsync(broadcast, targets, collector);
            return Task.CompletedTask;
        }
        AdapterNode.Deliver(targets, broadcast.Packet);
        return Task.CompletedTask;
    }

    private async Task DeliverWithAcksAsync(GatewayBroadcast broadcast, List<IAdapterSocket> targets, Guid collector)
    {
        var replies = await Task.WhenAll(targets.Select(async socket =>
        {
            try
            {
                return new SocketAckReply(socket.Id, await socket.DeliverWithAckAsync(broadcast.Packet, broadcast.AckTimeout));
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                return null; // no answer in time, or the socket left: it counts as not answering
            }
        }));
        try
        {
            await _grains.GetGrain<IBroadcastAckGrain>(collector).Report(_node.Id, targets.Count, [.. replies.OfType<SocketAckReply>()]);
        }
        catch (Exception e)
        {
            OrleansNodeReceiverLog.AckReportFailed(_logger, e, _node.Id, collector);
        }
    }
}
