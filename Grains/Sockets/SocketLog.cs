using Microsoft.Extensions.Logging;

namespace OrleansSocket.Grains.Sockets;

internal static partial class SocketLog
{
    [LoggerMessage(1, LogLevel.Warning, "The late ack of event {Event} could not reach the gateway of socket {SocketId}")]
    public static partial void LateAckFailed(ILogger logger, Exception error, string @event, string socketId);
}
