namespace OrleansSocket.Gateway.Routing;

/// <summary>What finding the gateway that holds a session logs; event ids 1200–1299.</summary>
internal static partial class RoutingLog
{
    [LoggerMessage(1200, LogLevel.Warning, "Refreshing the gateways' addresses failed")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);
}
