using OrleansSocket.Grains.Lifetime;

namespace OrleansSocket.Grains.Rooms;

/// <summary>
/// A grain whose state is a <see cref="Membership"/> (room, namespace): active while it has members (they live
/// in memory only), left to idle collection once empty.
/// </summary>
internal abstract class MembershipGrain : KeepAliveWhileNonEmpty
{
    protected Membership Membership { get; } = new();

    protected void AddMember(string socketId, string gatewayId)
    {
        var before = Membership.Count;
        Membership.Add(socketId, gatewayId);
        OnCountChanged(before, Membership.Count);
    }

    protected void RemoveMember(string socketId)
    {
        var before = Membership.Count;
        Membership.Remove(socketId);
        OnCountChanged(before, Membership.Count);
    }

    /// <returns>The sockets that were on that gateway.</returns>
    protected List<string> DropMembersOf(string gatewayId)
    {
        var before = Membership.Count;
        var dropped = Membership.DropGateway(gatewayId);
        OnCountChanged(before, Membership.Count);
        return dropped;
    }
}
