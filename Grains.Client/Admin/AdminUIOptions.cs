namespace OrleansSocket;

/// <summary>
/// The server side of the Socket.IO Admin UI (<c>@socket.io/admin-ui</c> 0.5.x, Node's <c>instrument(io, options)</c>),
/// bound from <c>SocketIO:AdminUI</c> and validated at start. Set the same values on the gateways and the silos: the
/// admin namespace's handlers (authentication, operations) run where the grains run, the server stats are sent by
/// each gateway.
/// </summary>
public sealed class AdminUIOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "SocketIO:AdminUI";

    /// <summary>The admin namespace the UI connects to.</summary>
    public string Namespace { get; set; } = "/admin";

    /// <summary>How the UI signs in: <see cref="AdminUIAuthentication.Basic"/> or, explicitly,
    /// <see cref="AdminUIAuthentication.None"/>; left unspecified, the host does not start (as Node's <c>auth</c>).</summary>
    public AdminUIAuthentication Authentication { get; set; }

    /// <summary>With <see cref="AdminUIAuthentication.Basic"/>: the user name the UI must send.</summary>
    public string? Username { get; set; }

    /// <summary>With <see cref="AdminUIAuthentication.Basic"/>: the bcrypt hash of the password (<c>$2a$</c>, <c>$2b$</c>,
    /// <c>$2y$</c>), e.g. from <c>BCrypt.Net.BCrypt.HashPassword(password)</c> or Node's <c>bcrypt.hashSync</c>.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>How long the session id the UI gets after signing in lets it reconnect without the password.</summary>
    public TimeSpan SessionDuration { get; set; } = TimeSpan.FromDays(1);

    /// <summary>True: the UI may look but not act (no join, leave, disconnect or emit).</summary>
    public bool ReadOnly { get; set; }

    /// <summary><see cref="AdminUIMode.Development"/> (Node's default) sends the socket list and each socket's
    /// connection, disconnection and room changes; <see cref="AdminUIMode.Production"/> only the server stats.</summary>
    public AdminUIMode Mode { get; set; } = AdminUIMode.Development;

    /// <summary>In development mode, how many socket events (connections, rooms, events) may wait in a silo to be sent
    /// to the admin namespace; past it the newest are dropped.</summary>
    public int MaxPendingEvents { get; set; } = 10_000;

    /// <summary>In development mode, how many bytes the socket events waiting in a silo may hold (their arguments as
    /// JSON, e.g. the arguments of each event a client sent); an event that would pass it is dropped. 8 MiB by default.</summary>
    public long MaxPendingEventBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>This gateway's id in the UI's server list; null: <c>hostname#gatewayId</c>, unique per gateway process.</summary>
    public string? ServerId { get; set; }

    /// <summary>How often each gateway sends its stats to the admin namespace.</summary>
    public TimeSpan ServerStatsInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>How the Admin UI signs in (<see cref="AdminUIOptions.Authentication"/>).</summary>
public enum AdminUIAuthentication
{
    /// <summary>Not chosen: the options do not validate.</summary>
    Unspecified,
    /// <summary>A user name and a bcrypt-hashed password, checked on CONNECT to the admin namespace.</summary>
    Basic,
    /// <summary>Anyone who reaches the admin namespace is admitted.</summary>
    None,
}

/// <summary>What the admin namespace sends (<see cref="AdminUIOptions.Mode"/>).</summary>
public enum AdminUIMode
{
    /// <summary>Server stats, the socket list, and socket and room changes as they happen.</summary>
    Development,
    /// <summary>Server stats only.</summary>
    Production,
}
