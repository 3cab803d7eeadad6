using Microsoft.Extensions.Logging;

namespace OrleansSocket.Grains.Adapters;

/// <summary>What <see cref="OrleansNodeReceiver"/> logs; event ids 2300–2399.</summary>
internal static partial class OrleansNodeReceiverLog
{
    [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "Gateway {Gateway} subscribed to its broadcast stream")]
    public static partial void Subscribed(ILogger logger, string gateway);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Gateway {Gateway}: its broadcast stream subscription was gone (lost with a silo); subscribed again")]
    public static partial void Resubscribed(ILogger logger, string gateway);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Debug, Message = "Gateway {Gateway}: unsubscribing the lost broadcast stream subscription failed")]
    public static partial void StaleUnsubscribeFailed(ILogger logger, Exception exception, string gateway);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Debug, Message = "Gateway {Gateway}: unsubscribing the broadcast stream failed during shutdown")]
    public static partial void UnsubscribeFailed(ILogger logger, Exception exception, string gateway);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Error, Message = "Gateway {Gateway}: delivering a broadcast to {Namespace} failed")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception, string gateway, string @namespace);

    [LoggerMessage(EventId = 2305, Level = LogLevel.Error, Message = "Gateway {Gateway}: broadcast stream error")]
    public static partial void StreamError(ILogger logger, Exception exception, string gateway);

    [LoggerMessage(EventId = 2306, Level = LogLevel.Warning, Message = "Gateway {Gateway}: could not report broadcast acks to {Collector}")]
    public static partial void AckReportFailed(ILogger logger, Exception exception, string gateway, Guid collector);

    [LoggerMessage(EventId = 2307, Level = LogLevel.Debug, Message = "Gateway {Gateway}: a volatile broadcast to {Namespace} was dropped, its local broadcast queue " +
        "being full ({Count} broadcasts, {Bytes} bytes; SocketIO:Streams:MaxLocalBroadcastQueueLength / MaxLocalBroadcastQueueBytes); " +
        "further drops are not logged until the queue takes a broadcast again")]
    public static partial void LocalQueueFull(ILogger logger, string gateway, string @namespace, int count, long bytes);
}
