namespace OrleansSocket.Grains.Membership;

/// <summary>One room: its members by gateway; a room nobody joined answers for the socket of that id.</summary>
/// <remarks>
/// An empty room (also one named for a socket id, asked for its gateway) is collected after 2 idle minutes;
/// see <see cref="MembershipGrain"/>.
/// </remarks>
[CollectionAgeLimit(Minutes = 2)]
internal sealed class RoomGrain : MembershipGrain, IRoomGrain
{
    public override async Task<string[]> Gateways()
    {
        if (Sockets.Count > 0) return Sockets.Gateways();
        // Nobody joined a room of this name: it may be a socket id (every socket is in its own room).
        var (ns, room) = RoomKey.Parse(this.GetPrimaryKeyString());
        return await SocketGateway(ns, room) is { } gateway ? [gateway] : [];
    }

    public override async Task<string[]> Members()
    {
        if (Sockets.Count > 0) return Sockets.Members();
        var (ns, room) = RoomKey.Parse(this.GetPrimaryKeyString());
        return await SocketGateway(ns, room) is not null ? [room] : [];
    }

    private async Task<string?> SocketGateway(string ns, string socketId)
    {
        var socket = await GrainFactory.GetGrain<ISocketGrain>(socketId).Describe();
        return socket is not null && socket.Namespace == ns ? socket.GatewayId : null;
    }
}
