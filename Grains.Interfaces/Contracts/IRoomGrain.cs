namespace OrleansSocket;

/// <summary>
/// One room of one namespace (key: <see cref="RoomKey.Of"/>). Knows its members grouped by gateway,
/// so a broadcast costs one stream message per gateway that has members, not one per member.
/// </summary>
[Alias("OrleansSocket.IRoomGrain")]
public interface IRoomGrain : IGrainWithStringKey
{
    [Alias("Join")] Task Join(string socketId, string gatewayId);
    [Alias("Leave")] Task Leave(string socketId);
    /// <summary>The gateways that hold members. For a room nobody joined, the socket of that id (every socket is in the room of its own id).</summary>
    [Alias("Gateways")] Task<string[]> Gateways();
    [Alias("Members")] Task<string[]> Members();
}
