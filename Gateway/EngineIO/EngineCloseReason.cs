namespace OrleansSocket.Gateway.EngineIO;

/// <summary>Why an Engine.IO session ended; <see cref="EngineCloseReasons.ToWireString"/> gives Node's string for it.</summary>
public enum EngineCloseReason
{
    /// <summary>The transport failed: reset, overlapping or broken request, oversized message, send queue full.</summary>
    TransportError,
    /// <summary>The client closed: a close packet, or the WebSocket's close frame.</summary>
    TransportClose,
    /// <summary>The heartbeat went unanswered.</summary>
    PingTimeout,
    /// <summary>The client sent something that does not decode.</summary>
    ParseError,
    /// <summary>The server closed: <see cref="IEngineConnection.Close"/> or the host stopping.</summary>
    ForcedClose,
}

/// <summary>The strings Node's engine.io gives for each <see cref="EngineCloseReason"/>: the only place they are spelt.</summary>
public static class EngineCloseReasons
{
    /// <summary>The reason as engine.io's <c>close</c> event names it ("transport error", "ping timeout", ...).</summary>
    public static string ToWireString(this EngineCloseReason reason) => reason switch
    {
        EngineCloseReason.TransportError => DisconnectReasons.TransportError,
        EngineCloseReason.TransportClose => DisconnectReasons.TransportClose,
        EngineCloseReason.PingTimeout => DisconnectReasons.PingTimeout,
        EngineCloseReason.ParseError => DisconnectReasons.ParseError,
        EngineCloseReason.ForcedClose => DisconnectReasons.ForcedClose,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
