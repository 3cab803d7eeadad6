namespace OrleansSocket.Grains.Rooms;

/// <summary>One room: its members by gateway. Deactivates when the last member leaves.</summary>
internal sealed class RoomGrain : Grain, IRoomGrain
{
    private readonly Membership _members = new();

    public Task Join(string socketId, string gatewayId)
    {
        _members.Add(socketId, gatewayId);
        return Task.CompletedTask;
    }

    public Task Leave(string socketId)
    {
        _members.Remove(socketId);
        if (_members.Count == 0) DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task<string[]> Gateways()
    {
        if (_members.Count > 0) return _members.Gateways();
        // Nobody joined a room of this name: it may be a socket id (every socket is in its own room).
        var (ns, room) = RoomKey.Parse(this.GetPrimaryKeyString());
        DeactivateOnIdle();
        return await SocketGateway(ns, room) is { } gateway ? [gateway] : [];
    }

    public async Task<string[]> Members()
    {
        if (_members.Count > 0) return _members.Members();
        var (ns, room) = RoomKey.Parse(this.GetPrimaryKeyString());
        DeactivateOnIdle();
        return await SocketGateway(ns, room) is not null ? [room] : [];
    }

    public Task DropGateway(string gatewayId)
    {
        _members.DropGateway(gatewayId);
        return Task.CompletedTask;
    }

    private async Task<string?> SocketGateway(string ns, string socketId)
    {
        var socket = await GrainFactory.GetGrain<ISocketGrain>(socketId).Describe();
        return socket is not null && socket.Namespace == ns ? socket.GatewayId : null;
    }
}
