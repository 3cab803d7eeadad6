using OrleansSocket.Grains.Rooms;

namespace OrleansSocket.Grains.Namespaces;

/// <summary>One namespace: every socket connected to it, by gateway (namespace-wide broadcasts, counts, fetches).</summary>
internal sealed class NamespaceGrain : Grain, INamespaceGrain
{
    private readonly Membership _members = new();

    public Task Add(string socketId, string gatewayId)
    {
        _members.Add(socketId, gatewayId);
        return Task.CompletedTask;
    }

    public Task Remove(string socketId)
    {
        _members.Remove(socketId);
        return Task.CompletedTask;
    }

    public Task<string[]> Gateways() => Task.FromResult(_members.Gateways());

    public Task<string[]> Members() => Task.FromResult(_members.Members());

    /// <summary>The gateway is gone: its sockets leave this namespace at once, and each socket grain is told
    /// (one-way) so that it runs its disconnect handler and leaves its rooms and user.</summary>
    public Task DropGateway(string gatewayId)
    {
        foreach (var socketId in _members.DropGateway(gatewayId))
            GrainFactory.GetGrain<ISocketGrain>(socketId).GatewayLost(gatewayId).Ignore();
        return Task.CompletedTask;
    }
}
