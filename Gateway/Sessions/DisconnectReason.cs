using OrleansSocket.Gateway.EngineIO;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// Why a namespace socket left, as Socket.IO's server names it; <see cref="DisconnectReasonExtensions.ToWireString"/> gives the
/// string handlers receive (<c>[OnDisconnect]</c>) and connection state recovery judges.
/// </summary>
internal enum DisconnectReason
{
    /// <summary>The connection was closed (the client left, or the network changed).</summary>
    TransportClose,
    /// <summary>The connection failed.</summary>
    TransportError,
    /// <summary>The client did not answer the heartbeat in time.</summary>
    PingTimeout,
    /// <summary>The client sent a packet that does not decode.</summary>
    ParseError,
    /// <summary>The server closed the connection (Engine.IO's "forced close").</summary>
    ForcedClose,
    /// <summary>The client left the namespace (a DISCONNECT packet).</summary>
    ClientNamespaceDisconnect,
    /// <summary>The server disconnected the socket (<c>socket.Disconnect()</c>).</summary>
    ServerNamespaceDisconnect,
    /// <summary>The server is shutting down.</summary>
    ServerShuttingDown,
    /// <summary>The server closed the connection of its own accord (Node: no namespace joined in time).</summary>
    ForcedServerClose,
}

/// <summary>
/// The strings Socket.IO gives for each <see cref="DisconnectReason"/> (spelt once, in <see cref="OrleansSocket.DisconnectReasons"/>);
/// a connection's close reaches each socket on it as <see cref="EngineCloseReasons"/> names it (Node passes those through).
/// </summary>
internal static class DisconnectReasonExtensions
{
    /// <summary>The reason as socket.io's <c>disconnect</c> event names it (a connection's close as Engine.IO spells it).</summary>
    public static string ToWireString(this DisconnectReason reason) => reason switch
    {
        DisconnectReason.TransportClose => EngineCloseReason.TransportClose.ToWireString(),
        DisconnectReason.TransportError => EngineCloseReason.TransportError.ToWireString(),
        DisconnectReason.PingTimeout => EngineCloseReason.PingTimeout.ToWireString(),
        DisconnectReason.ParseError => EngineCloseReason.ParseError.ToWireString(),
        DisconnectReason.ForcedClose => EngineCloseReason.ForcedClose.ToWireString(),
        DisconnectReason.ClientNamespaceDisconnect => OrleansSocket.DisconnectReasons.ClientNamespaceDisconnect,
        DisconnectReason.ServerNamespaceDisconnect => OrleansSocket.DisconnectReasons.ServerNamespaceDisconnect,
        DisconnectReason.ServerShuttingDown => OrleansSocket.DisconnectReasons.ServerShuttingDown,
        DisconnectReason.ForcedServerClose => OrleansSocket.DisconnectReasons.ForcedServerClose,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>The connection's Engine.IO close, as each socket on it hears it (Node passes the reason through).</summary>
    public static DisconnectReason ToDisconnectReason(this EngineCloseReason reason) => reason switch
    {
        EngineCloseReason.TransportClose => DisconnectReason.TransportClose,
        EngineCloseReason.TransportError => DisconnectReason.TransportError,
        EngineCloseReason.PingTimeout => DisconnectReason.PingTimeout,
        EngineCloseReason.ParseError => DisconnectReason.ParseError,
        EngineCloseReason.ForcedClose => DisconnectReason.ForcedClose,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
