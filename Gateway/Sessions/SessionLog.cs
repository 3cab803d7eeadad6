using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// What the Socket.IO sessions log; event ids 1100–1199. What a client causes (a packet that does not decode, a
/// namespace it may not join) is Debug: one short line without a stack trace, so a hostile client cannot grow the
/// log by more than a line per connection. Server faults are Error, with their exception.
/// </summary>
internal static partial class SessionLog
{
    /// <summary>The decoder's message is the reason; its stack trace would only say where the decoder stopped.</summary>
    [LoggerMessage(1100, LogLevel.Debug, "Connection {Sid}: closing on a bad packet: {Reason}")]
    public static partial void BadPacket(ILogger logger, string sid, string reason);

    [LoggerMessage(1101, LogLevel.Debug, "Connection {Sid}: closing on unexpected packet type {Type}")]
    public static partial void UnexpectedPacket(ILogger logger, string sid, SocketIOPacketType type);

    [LoggerMessage(1102, LogLevel.Debug, "Connection {Sid}: no namespace joined in time, closing")]
    public static partial void ConnectTimeout(ILogger logger, string sid);

    [LoggerMessage(1103, LogLevel.Debug, "Connection {Sid}: CONNECT to {Namespace} carries a malformed recovery pid or offset; connecting as a new session")]
    public static partial void MalformedRecovery(ILogger logger, string sid, string @namespace);

    /// <summary>An invalid namespace, or a connect handler or middleware that said no.</summary>
    [LoggerMessage(1104, LogLevel.Debug, "Socket {Socket} ({Namespace}): CONNECT refused: {Message}")]
    public static partial void ConnectRefused(ILogger logger, string socket, string @namespace, string message);

    /// <summary>A grain call that failed: the server's fault (silo gone, handler bug), logged with its exception.</summary>
    [LoggerMessage(1105, LogLevel.Error, "Socket {Socket} ({Namespace}): {Work} failed")]
    public static partial void WorkFailed(ILogger logger, Exception exception, string socket, string @namespace, string work);

    /// <summary>The socket's grain, running in this process, did not report an event done in time: the server's fault.</summary>
    [LoggerMessage(1106, LogLevel.Warning, "Socket {Socket} ({Namespace}): no report of its event from its grain within {Timeout} ms; its next events are awaited calls")]
    public static partial void PostedEventTimedOut(ILogger logger, string socket, string @namespace, double timeout);
}
