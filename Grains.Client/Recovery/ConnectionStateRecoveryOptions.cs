namespace OrleansSocket;

/// <summary>
/// Connection state recovery (Socket.IO 4.6's <c>connectionStateRecovery</c>), bound from
/// <c>SocketIO:ConnectionStateRecovery</c> on the silos. Off by default, as in Node: when on, every
/// eligible emit also goes through the namespace's recovery log.
/// </summary>
public sealed class ConnectionStateRecoveryOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "SocketIO:ConnectionStateRecovery";

    /// <summary>Turns connection state recovery on.</summary>
    public bool Enabled { get; set; }

    /// <summary>How long a session (and the packets it may miss) is kept after a recoverable disconnect.</summary>
    public TimeSpan MaxDisconnectionDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A recovered socket does not go through the connect middleware again (Node's <c>skipMiddlewares</c>).</summary>
    public bool SkipMiddlewares { get; set; } = true;

    /// <summary>Disconnect reasons after which a session is kept (Node's list): the client did not choose to leave.</summary>
    public static readonly IReadOnlySet<string> RecoverableReasons = new HashSet<string>
    {
        DisconnectReasons.TransportError, DisconnectReasons.TransportClose, DisconnectReasons.ForcedClose,
        DisconnectReasons.PingTimeout, DisconnectReasons.ServerShuttingDown, DisconnectReasons.ForcedServerClose,
    };
}
