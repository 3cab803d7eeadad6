using Microsoft.Extensions.Logging;

namespace OrleansSocket.Grains.Handlers;

/// <summary>What the dispatcher logs: events it cannot run, and failures no error handler takes; event ids 2000–2099.</summary>
internal static partial class HandlerLog
{
    /// <summary>
    /// Arguments that do not bind are the client's doing: one short line at Debug, no stack trace, so a client
    /// sending bad events cannot grow the log by a stack trace per event.
    /// </summary>
    [LoggerMessage(2000, LogLevel.Debug, "Event {Event} in namespace {Namespace} (socket {SocketId}) refused: {Reason}")]
    public static partial void ClientArgumentsRefused(ILogger logger, string @event, string @namespace, string socketId, string reason);

    [LoggerMessage(2001, LogLevel.Error, "Handler for event {Event} in namespace {Namespace} failed (socket {SocketId}).")]
    public static partial void HandlerFailed(ILogger logger, Exception error, string @event, string @namespace, string socketId);

    [LoggerMessage(2002, LogLevel.Error, "Error handler failed for event {Event} in namespace {Namespace} (socket {SocketId}); the error it was given: {OriginalError}")]
    public static partial void ErrorHandlerFailed(ILogger logger, Exception error, string @event, string @namespace, string socketId, string originalError);

    /// <summary>An event nobody handles is the client's doing too: Debug, as the ack it asked for never comes.</summary>
    [LoggerMessage(2003, LogLevel.Debug, "No handler for event {Event} in namespace {Namespace} (socket {SocketId}).")]
    public static partial void NoHandler(ILogger logger, string @event, string @namespace, string socketId);

    /// <summary>A user an [Authorize] handler refuses: the client's doing, one line at Debug.</summary>
    [LoggerMessage(2004, LogLevel.Debug, "Handler for {Event} in namespace {Namespace} refused socket {SocketId}'s user ({Status}).")]
    public static partial void NotAuthorized(ILogger logger, string @event, string @namespace, string socketId, int status);
}
