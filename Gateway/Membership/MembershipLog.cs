namespace OrleansSocket.Gateway.Membership;

/// <summary>What this gateway's membership logs: its lease, its address, restores after silo failures, the drain; event ids 1300–1399.</summary>
internal static partial class MembershipLog
{
    [LoggerMessage(1300, LogLevel.Information, "Gateway {Gateway} advertised at {Address}: it serves sessions of the other gateways (no sticky sessions)")]
    public static partial void Advertised(ILogger logger, string gateway, string address);

    [LoggerMessage(1301, LogLevel.Error, "No address to advertise this gateway at: its sessions are not reachable from other gateways")]
    public static partial void NoAddress(ILogger logger, Exception exception);

    [LoggerMessage(1302, LogLevel.Error, "This gateway's id {Gateway} is held by another gateway")]
    public static partial void IdTaken(ILogger logger, string gateway);

    [LoggerMessage(1303, LogLevel.Information, "Gateway {Gateway} drained {Count} sockets{Late}")]
    public static partial void Drained(ILogger logger, string gateway, int count, string late);

    /// <summary>The first failure of a run (<see cref="LeaseFailureRun"/>). Local sessions go on working; the next heartbeat tries again.</summary>
    [LoggerMessage(1304, LogLevel.Warning, "Gateway {Gateway}: lease renewal failed")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception, string gateway);

    [LoggerMessage(1305, LogLevel.Warning, "Gateway {Gateway} had been declared dead (missed its lease): closing its {Count} sockets' connections")]
    public static partial void DeclaredDead(ILogger logger, string gateway, int count);

    [LoggerMessage(1306, LogLevel.Warning, "Gateway {Gateway}: restoring sockets failed; retrying")]
    public static partial void RestoreFailed(ILogger logger, Exception exception, string gateway);

    [LoggerMessage(1307, LogLevel.Warning, "Gateway {Gateway}: re-asserted {Count} sockets in {Ms:F0} ms because {Why}")]
    public static partial void Restored(ILogger logger, string gateway, int count, double ms, string why);

    [LoggerMessage(1308, LogLevel.Debug, "Giving the lease back failed")]
    public static partial void UnregisterFailed(ILogger logger, Exception exception);

    /// <summary>The second and later failures of a run: the first was logged with its exception.</summary>
    [LoggerMessage(1309, LogLevel.Debug, "Gateway {Gateway}: lease renewal failed again ({Count} in a row): {Reason}")]
    public static partial void HeartbeatFailedAgain(ILogger logger, string gateway, int count, string reason);

    [LoggerMessage(1310, LogLevel.Information, "Gateway {Gateway}: lease renewed after {Count} failed renewals over {Seconds:0.#} s")]
    public static partial void HeartbeatRecovered(ILogger logger, string gateway, int count, double seconds);
}
