using Microsoft.Extensions.Logging;

namespace OrleansSocket.Grains.Sockets;

/// <summary>What the socket grain logs (source-generated, so disabled levels cost nothing); event ids 2100–2199.</summary>
internal static partial class SocketLog
{
    [LoggerMessage(2100, LogLevel.Warning, "The late ack of event {Event} could not reach the gateway of socket {SocketId}")]
    public static partial void LateAckFailed(ILogger logger, Exception error, string @event, string socketId);

    /// <summary>The client asked for a session it cannot have (forged or stale pid, expired window): its doing, Debug.</summary>
    [LoggerMessage(2101, LogLevel.Debug, "Socket {Socket}: recovery refused: {Reason}; the client connects as a new session")]
    public static partial void RecoveryRefused(ILogger logger, string socket, string reason);

    [LoggerMessage(2102, LogLevel.Information, "Socket {Socket}: a recovering connection on gateway {NewGateway} takes the session over from gateway {OldGateway}")]
    public static partial void TakeOver(ILogger logger, string socket, string oldGateway, string newGateway);

    [LoggerMessage(2103, LogLevel.Debug, "Socket {Socket}: '{Reason}' from a connection the session was taken over from; ignored")]
    public static partial void StaleDisconnect(ILogger logger, string socket, string reason);

    [LoggerMessage(2104, LogLevel.Debug, "Socket {Socket} recovered with {Missed} missed packets")]
    public static partial void Recovered(ILogger logger, string socket, int missed);

    /// <summary>After a silo failure the activation is new and knows nothing of the socket: no handler to run.</summary>
    [LoggerMessage(2105, LogLevel.Debug, "Event {Event} for unknown socket {Socket} dropped")]
    public static partial void UnknownSocketEvent(ILogger logger, string @event, string socket);

    [LoggerMessage(2106, LogLevel.Information, "Socket {Socket} ({Namespace}) restored from gateway {Gateway}")]
    public static partial void Restored(ILogger logger, string socket, string @namespace, string gateway);

    [LoggerMessage(2107, LogLevel.Information, "Socket {Socket} ({Namespace}) dropped: gateway {Gateway} is gone")]
    public static partial void GatewayGone(ILogger logger, string socket, string @namespace, string gateway);

    /// <summary>An event handed over one-way failed in the grain (its gateway hears only that it is done): the server's fault.</summary>
    [LoggerMessage(2108, LogLevel.Error, "Socket {Socket}: event {Event} failed")]
    public static partial void PostedEventFailed(ILogger logger, Exception exception, string socket, string @event);
}
