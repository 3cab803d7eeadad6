namespace OrleansSocket;

/// <summary>
/// The reasons a socket leaves, as Socket.IO names them: the string a disconnect handler receives
/// (<see cref="OnDisconnectAttribute"/>, <see cref="ISocketIOBuilder.OnDisconnect"/>). The only place they are spelt;
/// the gateway's close and disconnect enums map to these.
/// </summary>
public static class DisconnectReasons
{
    /// <summary>The connection was closed (the client left, or the network changed).</summary>
    public const string TransportClose = "transport close";

    /// <summary>The connection failed, or the client did not keep up with what it was sent.</summary>
    public const string TransportError = "transport error";

    /// <summary>The client did not answer the heartbeat in time.</summary>
    public const string PingTimeout = "ping timeout";

    /// <summary>The client sent a packet that does not decode.</summary>
    public const string ParseError = "parse error";

    /// <summary>The server closed the connection.</summary>
    public const string ForcedClose = "forced close";

    /// <summary>The client left the namespace (it sent a DISCONNECT packet).</summary>
    public const string ClientNamespaceDisconnect = "client namespace disconnect";

    /// <summary>The server disconnected the socket (a handler called disconnect).</summary>
    public const string ServerNamespaceDisconnect = "server namespace disconnect";

    /// <summary>The server is shutting down.</summary>
    public const string ServerShuttingDown = "server shutting down";

    /// <summary>The server closed the connection of its own accord.</summary>
    public const string ForcedServerClose = "forced server close";
}
