namespace OrleansSocket.Gateway.EngineIO;

/// <summary>The transport's log lines (source-generated, so disabled levels cost nothing).</summary>
internal sealed partial class EngineLog(ILogger logger)
{
    [LoggerMessage(1, LogLevel.Debug, "Engine.IO session {Sid} opened (EIO={Protocol}, {Transport})")]
    public partial void SessionOpened(string sid, int protocol, string transport);

    [LoggerMessage(2, LogLevel.Debug, "Engine.IO session {Sid} closed: {Reason}")]
    public partial void SessionClosed(string sid, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Engine.IO session {Sid}: send queue full ({Limit} {Unit}), closing")]
    public partial void SendQueueFull(string sid, long limit, string unit);

    [LoggerMessage(4, LogLevel.Error, "Engine.IO session {Sid}: the application's listener threw")]
    public partial void ListenerFailed(Exception exception, string sid);

    [LoggerMessage(5, LogLevel.Warning, "Engine.IO session {Sid}: its gateway {Owner} could not be reached; answered as an unknown session")]
    public partial void OwnerUnreachable(Exception exception, string sid, Uri owner);

    [LoggerMessage(6, LogLevel.Warning, "Engine.IO session {Sid}: finding its gateway failed; answered as an unknown session")]
    public partial void RouterFailed(Exception exception, string sid);

    [LoggerMessage(7, LogLevel.Debug, "Engine.IO session {Sid}: forwarded WebSocket to {Owner} ended ({Detail})")]
    public partial void ForwardedWebSocketEnded(string sid, Uri owner, string detail);
}
