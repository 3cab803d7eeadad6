namespace OrleansSocket.Internal;

/// <summary>
/// Connection state recovery for one namespace (key: its name): every packet eligible for recovery
/// (an event without ack id, not volatile) is appended here and gets an offset, which travels as the
/// packet's last argument (as Node's session-aware adapter does). A client that comes back within the
/// window names the last offset it saw and gets what it missed in its rooms. Only used when
/// <c>SocketIO:ConnectionStateRecovery:Enabled</c> is true.
/// </summary>
[Alias("OrleansSocket.IRecoveryLogGrain")]
internal interface IRecoveryLogGrain : IGrainWithStringKey
{
    /// <summary>Stores the packet for <paramref name="rooms"/> (empty: the whole namespace) minus <paramref name="except"/>; returns it with its offset appended.</summary>
    [Alias("Append")] Task<OutboundPacket> Append(string[] rooms, string[] except, OutboundPacket packet);

    /// <summary>The packets after <paramref name="offset"/> that reach a socket in <paramref name="rooms"/>; null when the offset is unknown (too old).</summary>
    [Alias("Since")] Task<OutboundPacket[]?> Since(string offset, string[] rooms);
}
