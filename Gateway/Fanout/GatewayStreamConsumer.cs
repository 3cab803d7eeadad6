using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var provider = services.GetRequiredKeyedService<IStreamProvider>(GatewayStreams.Provider);
        var stream = provider.GetStream<GatewayBroadcast>(GatewayStreams.For(server.GatewayId));
        _subscription = await stream.SubscribeAsync(OnNext, OnError);
        logger.LogInformation("Gateway {Gateway} subscribed to its broadcast stream", server.GatewayId);
        // One message through the whole path now (producer registration, queue, pulling agent, delivery),
        // so the first real broadcast does not pay for it (measured: 0.5–1.6 s on a cold process). It
        // names no namespace any socket is in, so it reaches nobody.
        await stream.OnNextAsync(new GatewayBroadcast(WarmUpNamespace, [], [], new OutboundPacket(WarmUpNamespace, "warm-up", SocketPayload.Empty)));
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
