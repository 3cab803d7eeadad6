namespace OrleansSocket.Gateway.Sessions;

/// <summary>What a thin gateway's end of the event link logs (<see cref="EventLinkClient"/>); event ids 1500–1599.</summary>
internal static partial class EventLinkClientLog
{
    [LoggerMessage(1500, LogLevel.Information, "Event link to silo {Endpoint} connected: client events go there in batches")]
    public static partial void Connected(ILogger logger, string endpoint);

    [LoggerMessage(1501, LogLevel.Warning, "No silo offers an event link (SocketIO:EventLink:Enabled): batches go by grain call; asked again in {RetryDelay}")]
    public static partial void NoLink(ILogger logger, TimeSpan retryDelay);

    [LoggerMessage(1502, LogLevel.Warning, "Event link to {Endpoint} not connected ({Reason}): batches go by grain call; tried again in {RetryDelay}")]
    public static partial void ConnectFailed(ILogger logger, string endpoint, TimeSpan retryDelay, string reason);

    [LoggerMessage(1503, LogLevel.Warning, "Event link to {Endpoint} closed ({Reason}): its batches in flight fail, the next connects again")]
    public static partial void Closed(ILogger logger, string endpoint, string reason);
}
