namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// The transport's log lines (source-generated, so disabled levels cost nothing); event ids 1000–1099.
/// What a client causes (a refused request, a parse error) is Debug: one short line, no stack trace.
/// </summary>
internal sealed partial class EngineLog(ILogger logger)
{
    [LoggerMessage(1000, LogLevel.Debug, "Engine.IO session {Sid} opened (EIO={Protocol}, {Transport})")]
    public partial void SessionOpened(string sid, int protocol, string transport);

    [LoggerMessage(1001, LogLevel.Debug, "Engine.IO session {Sid} closed: {Reason}")]
    public partial void SessionClosed(string sid, string reason);

    [LoggerMessage(1002, LogLevel.Warning, "Engine.IO session {Sid}: send queue full ({Limit} {Unit}), closing")]
    public partial void SendQueueFull(string sid, long limit, string unit);

    [LoggerMessage(1003, LogLevel.Error, "Engine.IO session {Sid}: the application's listener threw")]
    public partial void ListenerFailed(Exception exception, string sid);

    [LoggerMessage(1004, LogLevel.Warning, "Engine.IO session {Sid}: its gateway {Owner} could not be reached; answered as an unknown session")]
    public partial void OwnerUnreachable(Exception exception, string sid, Uri owner);

    [LoggerMessage(1005, LogLevel.Warning, "Engine.IO session {Sid}: finding its gateway failed; answered as an unknown session")]
    public partial void RouterFailed(Exception exception, string sid);

    [LoggerMessage(1006, LogLevel.Debug, "Engine.IO session {Sid}: forwarded WebSocket to {Owner} ended ({Detail})")]
    public partial void ForwardedWebSocketEnded(string sid, Uri owner, string detail);

    /// <summary>A request Node's engine.io answers with an error (unknown sid, bad handshake...): the client's doing.</summary>
    [LoggerMessage(1007, LogLevel.Debug, "Engine.IO request refused: {Message} (code {Code})")]
    public partial void RequestRefused(string message, int code);
}
