using Microsoft.Extensions.Logging;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>The transport's log lines (source-generated, so disabled levels cost nothing).</summary>
internal sealed partial class EngineLog(ILogger logger)
{
    [LoggerMessage(1, LogLevel.Debug, "Engine.IO session {Sid} opened (EIO={Protocol}, {Transport})")]
    public partial void SessionOpened(string sid, int protocol, string transport);

    [LoggerMessage(2, LogLevel.Debug, "Engine.IO session {Sid} closed: {Reason}")]
    public partial void SessionClosed(string sid, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Engine.IO session {Sid}: send queue full ({Limit} packets), closing")]
    public partial void SendQueueFull(string sid, int limit);

    [LoggerMessage(4, LogLevel.Error, "Engine.IO session {Sid}: the application's listener threw")]
    public partial void ListenerFailed(Exception exception, string sid);
}
