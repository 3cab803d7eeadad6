using Microsoft.Extensions.Logging;

namespace OrleansSocket.Grains.Admin;

/// <summary>The Admin UI's log lines (event ids 2700–2799): what a UI client causes is Debug, what an admin does Information.</summary>
internal static partial class AdminUILog
{
    [LoggerMessage(EventId = 2700, Level = LogLevel.Debug, Message = "Admin UI: refused a connection to {Namespace}: invalid credentials")]
    public static partial void InvalidCredentials(ILogger logger, string @namespace);

    [LoggerMessage(EventId = 2701, Level = LogLevel.Debug, Message = "Admin UI: ignored event {Event} of socket {Socket}: {Reason}")]
    public static partial void IgnoredEvent(ILogger logger, string @event, string socket, string reason);

    [LoggerMessage(EventId = 2702, Level = LogLevel.Information, Message = "Admin UI: socket {Socket} ran {Operation}")]
    public static partial void Operation(ILogger logger, string socket, AdminOperation operation);

    [LoggerMessage(EventId = 2703, Level = LogLevel.Warning, Message = "Admin UI: sending {ServerId}'s server stats failed")]
    public static partial void StatsFailed(ILogger logger, string serverId, Exception exception);

    [LoggerMessage(EventId = 2704, Level = LogLevel.Debug, Message = "Admin UI: {ServerId}'s server stats not sent yet (the cluster is not reachable yet)")]
    public static partial void StatsNotYet(ILogger logger, string serverId, Exception exception);

    [LoggerMessage(EventId = 2705, Level = LogLevel.Warning, Message = "Admin UI: sending {Event} to the admin namespace failed")]
    public static partial void ActivityFailed(ILogger logger, string @event, Exception exception);

    [LoggerMessage(EventId = 2706, Level = LogLevel.Debug, Message = "Admin UI: dropping development-mode notices from {Event} on (more than {MaxEvents} notices or {MaxBytes} bytes wait); logged once until one is queued again")]
    public static partial void NoticesDropped(ILogger logger, string @event, int maxEvents, long maxBytes);
}
