using OrleansSocket.Grains.Lifetime;

namespace OrleansSocket.Grains.Membership;

/// <summary>
/// The one implementation of <see cref="IMembershipGrain"/>, for rooms (<see cref="RoomGrain"/>) and namespaces
/// (<see cref="NamespaceGrain"/>): its state is a <see cref="SocketsByGateway"/>, kept in memory only, so the grain
/// stays active while it has members and is left to idle collection once empty.
/// </summary>
/// <remarks>
/// Two thin grain classes rather than one: Orleans finds the grain class from the interface a reference is asked
/// for, and rooms and namespaces differ in what surrounds the same table (key space, collection age, the namespace's
/// duty towards the gateway membership, the room's answer for a socket id).
/// </remarks>
internal abstract class MembershipGrain : KeepAliveWhileNonEmpty, IMembershipGrain
{
    protected SocketsByGateway Sockets { get; } = new();

    protected override int Count => Sockets.Count;

    public virtual Task Join(string socketId, string gatewayId) => Change(() => Sockets.Add(socketId, gatewayId));

    public Task Leave(string socketId) => Change(() => Sockets.Remove(socketId));

    public virtual Task<string[]> Gateways() => Task.FromResult(Sockets.Gateways());

    public virtual Task<string[]> Members() => Task.FromResult(Sockets.Members());

    /// <returns>The sockets that were on that gateway.</returns>
    protected List<string> DropMembersOf(string gatewayId) => ChangeAndGet(() => Sockets.DropGateway(gatewayId));
}
