namespace OrleansSocket.Internal;

/// <summary>
/// The sockets of a room or of a namespace, by gateway, so a broadcast costs one stream message per gateway that
/// has members, not one per member. Reached through <see cref="IRoomGrain"/> or <see cref="INamespaceGrain"/>: an
/// Orleans grain reference names one grain class, found from the interface asked for, so the two kinds keep an
/// interface each (with their own key space and lifetime); their members and implementation are this one.
/// </summary>
[Alias("OrleansSocket.IMembershipGrain")]
internal interface IMembershipGrain : IGrainWithStringKey
{
    /// <summary>Adds (or moves) a socket, held by <paramref name="gatewayId"/>.</summary>
    [Alias("Join")] Task Join(string socketId, string gatewayId);

    /// <summary>Removes a socket (nothing when it is not a member).</summary>
    [Alias("Leave")] Task Leave(string socketId);

    /// <summary>The gateways that hold members.</summary>
    [Alias("Gateways")] Task<string[]> Gateways();

    /// <summary>The members' socket ids.</summary>
    [Alias("Members")] Task<string[]> Members();
}
