using System.Collections.Immutable;

namespace OrleansSocket.Grains.Adapters;

/// <summary>
/// Which sockets a cluster-wide operation addresses and how (socket.io's <c>BroadcastOptions</c>): the whole
/// <see cref="Namespace"/>, or the members of <see cref="Rooms"/> and the sockets of <see cref="Users"/>, minus the
/// members of <see cref="Except"/>. Room names and socket ids are interchangeable. Immutable.
/// </summary>
internal sealed record BroadcastOptions(string Namespace)
{
    /// <summary>How long <see cref="SocketIOAdapter.BroadcastWithAckAsync"/> waits when no timeout was set.</summary>
    public static readonly TimeSpan DefaultAckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Rooms (or socket ids) to reach; empty with no <see cref="Users"/>: every socket of the namespace.</summary>
    public ImmutableArray<string> Rooms { get; init; } = [];

    /// <summary>Rooms (or socket ids) whose members are left out.</summary>
    public ImmutableArray<string> Except { get; init; } = [];

    /// <summary>Users whose sockets (in this namespace) are reached.</summary>
    public ImmutableArray<string> Users { get; init; } = [];

    /// <summary>Packets are dropped for sockets that cannot take them now, and kept for no recovery.</summary>
    public bool Volatile { get; init; }

    /// <summary>Only the sockets of one node (<see cref="Node"/>, or the adapter's own gateway), not the whole cluster.</summary>
    public bool Local { get; init; }

    /// <summary>The gateway <see cref="Local"/> restricts to; null: the adapter's own node. A socket's operations name
    /// the gateway holding the socket, since the grain that runs its handlers may be in another process.</summary>
    public string? Node { get; init; }

    /// <summary>How long the clients have to answer a broadcast with acks; null: <see cref="DefaultAckTimeout"/>.</summary>
    public TimeSpan? AckTimeout { get; init; }

    /// <summary>No room and no user named: the operation addresses the whole namespace.</summary>
    public bool WholeNamespace => Rooms.IsEmpty && Users.IsEmpty;

    /// <summary>Equal when every option is: the room, except and user lists element by element, in order.</summary>
    public bool Equals(BroadcastOptions? other) =>
        other is not null && Namespace == other.Namespace && Rooms.SequenceEqual(other.Rooms) && Except.SequenceEqual(other.Except)
        && Users.SequenceEqual(other.Users) && Volatile == other.Volatile && Local == other.Local && Node == other.Node && AckTimeout == other.AckTimeout;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Namespace, Rooms.Length, Except.Length, Users.Length, Volatile, Local, Node, AckTimeout);

    /// <summary>The packet an emit with these options sends.</summary>
    public OutboundPacket Packet(string eventName, SocketPayload payload) => new(Namespace, eventName, payload, Volatile);
}
