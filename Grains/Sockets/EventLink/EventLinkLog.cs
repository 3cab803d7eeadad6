using System.Net;
using Microsoft.Extensions.Logging;

namespace OrleansSocket.Grains.Sockets;

/// <summary>What the silo's event link logs (source-generated); event ids 2600–2699.</summary>
internal static partial class EventLinkLog
{
    [LoggerMessage(2600, LogLevel.Information, "Event link listening on {Endpoint}, advertised as {Advertised}")]
    public static partial void Listening(ILogger logger, EndPoint endpoint, string advertised);

    /// <summary>A peer's doing: its connection is closed, the others go on.</summary>
    [LoggerMessage(2601, LogLevel.Warning, "Event link peer {Peer} closed: a frame over SocketIO:EventLink:MaxFrameBytes ({MaxFrameBytes})")]
    public static partial void FrameTooLarge(ILogger logger, EndPoint? peer, int maxFrameBytes);

    [LoggerMessage(2602, LogLevel.Warning, "Event link peer {Peer} closed: a frame that is not a batch ({Reason})")]
    public static partial void BadFrame(ILogger logger, EndPoint? peer, string reason);

    [LoggerMessage(2603, LogLevel.Warning, "Event link peer {Peer} refused: SocketIO:EventLink:MaxConnections ({MaxConnections}) are open")]
    public static partial void TooManyConnections(ILogger logger, EndPoint? peer, int maxConnections);

    [LoggerMessage(2604, LogLevel.Error, "Event link connection from {Peer} failed; it is closed")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, EndPoint? peer);
}
