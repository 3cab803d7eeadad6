namespace OrleansSocket.Grains.Rooms;

/// <summary>
/// A grain whose state is a <see cref="Membership"/> (room, namespace): it stays active while it has members
/// and is left to idle collection once empty.
/// </summary>
/// <remarks>
/// Members live in memory only, so idle collection of a quiet room with members (nobody emitting for the
/// collection age) would lose them: the grain keeps itself alive while it has any. It does not deactivate
/// at once when the last member leaves either: a <c>DeactivateOnIdle</c> there raced a join already on its
/// way (a socket leaving and rejoining, as on connection state recovery), and Orleans rejected that call after
/// forwarding it twice to deactivating activations ("Forwarding failed ... DeactivateOnIdle was called").
/// </remarks>
internal abstract class MembershipGrain : Grain
{
    protected Membership Membership { get; } = new();

    protected void AddMember(string socketId, string gatewayId)
    {
        var wasEmpty = Membership.Count == 0;
        Membership.Add(socketId, gatewayId);
        if (wasEmpty && Membership.Count > 0) DelayDeactivation(TimeSpan.MaxValue);
    }

    protected void RemoveMember(string socketId)
    {
        Membership.Remove(socketId);
        AfterRemoval();
    }

    /// <returns>The sockets that were on that gateway.</returns>
    protected List<string> DropMembersOf(string gatewayId)
    {
        var dropped = Membership.DropGateway(gatewayId);
        AfterRemoval();
        return dropped;
    }

    // A negative delay cancels the keep-alive: the grain is collected after its collection age limit.
    private void AfterRemoval()
    {
        if (Membership.Count == 0) DelayDeactivation(TimeSpan.FromSeconds(-1));
    }
}
