using Orleans.Streams;
using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Gateway.Fanout;

/// <summary>
/// Subscribes this gateway to its own broadcast stream when the host starts, and hands every
/// message to <see cref="BroadcastDelivery"/>.
/// </summary>
internal sealed class GatewayStreamConsumer(
    SocketIOServer server, BroadcastDelivery delivery, IServiceProvider services, ILogger<GatewayStreamConsumer> logger) : IHostedService
{
    private StreamSubscriptionHandle<GatewayBroadcast>? _subscription;

    private IAsyncStream<GatewayBroadcast> Stream =>
        services.GetRequiredKeyedService<IStreamProvider>(GatewayStreams.Provider)
            .GetStream<GatewayBroadcast>(GatewayStreams.For(server.GatewayId));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = await Stream.SubscribeAsync(OnNext, OnError);
        logger.LogInformation("Gateway {Gateway} subscribed to its broadcast stream", server.GatewayId);
        // One message through the whole path now (producer registration, queue, pulling agent, delivery),
        // so the first real broadcast does not pay for it (measured: 0.5–1.6 s on a cold process). It
        // names no namespace any socket is in, so it reaches nobody.
        await Stream.OnNextAsync(new GatewayBroadcast(WarmUpNamespace, [], [], new OutboundPacket(WarmUpNamespace, "warm-up", SocketPayload.Empty)));
    }

    /// <summary>
    /// After a silo failure: the stream's pub-sub state (memory grain storage) may have been lost with the silo,
    /// which would leave this gateway deaf to broadcasts. Subscribes again when the subscription is not listed.
    /// </summary>
    public async Task EnsureSubscribedAsync()
    {
        var handles = await Stream.GetAllSubscriptionHandles();
        if (_subscription is { } current && handles.Any(h => h.HandleId == current.HandleId)) return;
        if (_subscription is { } stale)
        {
            // Drops the old handle's local callback too: a pulling agent that still knows the old subscription
            // must not deliver every broadcast twice.
            try
            {
                await stale.UnsubscribeAsync();
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "Unsubscribing the lost broadcast stream subscription failed");
            }
        }
        _subscription = await Stream.SubscribeAsync(OnNext, OnError);
        logger.LogWarning("Gateway {Gateway}: its broadcast stream subscription was gone (lost with a silo); subscribed again", server.GatewayId);
    }

    private const string WarmUpNamespace = "/\u0000warm-up";

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_subscription is null) return;
        try
        {
            await _subscription.UnsubscribeAsync();
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Unsubscribing the broadcast stream failed during shutdown");
        }
    }

    private Task OnNext(GatewayBroadcast broadcast, StreamSequenceToken? token)
    {
        try
        {
            return delivery.Deliver(broadcast);
        }
        catch (Exception e)
        {
            // One bad broadcast must not end the subscription for every later one.
            logger.LogError(e, "Delivering a broadcast to {Namespace} failed", broadcast.Namespace);
            return Task.CompletedTask;
        }
    }

    private Task OnError(Exception e)
    {
        logger.LogError(e, "Broadcast stream error");
        return Task.CompletedTask;
    }
}
