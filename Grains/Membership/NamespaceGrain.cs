namespace OrleansSocket.Grains.Membership;

/// <summary>One namespace: every socket connected to it, by gateway (namespace-wide broadcasts, counts, fetches).</summary>
/// <remarks>Kept active while it has sockets (see <see cref="MembershipGrain"/>).</remarks>
internal sealed class NamespaceGrain : MembershipGrain, INamespaceGrain
{
    // Gateways this activation reported to the gateway membership as holding sockets here.
    private readonly HashSet<string> _reported = [];

    public override async Task Join(string socketId, string gatewayId)
    {
        // Before the socket is counted: the membership then drops it should its gateway die at any time, even before
        // the gateway's next heartbeat would have reported this namespace.
        if (!_reported.Contains(gatewayId))
        {
            await GrainFactory.GetGrain<IGatewayMembershipGrain>(IGatewayMembershipGrain.Key).AddNamespace(gatewayId, this.GetPrimaryKeyString());
            _reported.Add(gatewayId);
        }
        await base.Join(socketId, gatewayId);
    }

    /// <summary>The gateway is gone: its sockets leave this namespace at once, and each socket grain is told
    /// (one-way) so that it runs its disconnect handler and leaves its rooms and user.</summary>
    public Task DropGateway(string gatewayId)
    {
        _reported.Remove(gatewayId);
        foreach (var socketId in DropMembersOf(gatewayId))
            GrainFactory.GetGrain<ISocketGrain>(socketId).GatewayLost(gatewayId).Ignore();
        return Task.CompletedTask;
    }
}
