using System.Collections.Immutable;

namespace OrleansSocket.Grains.Adapters;

/// <summary>
/// The one seam for everything that crosses sockets (socket.io's <c>Adapter</c>, SignalR's <c>HubLifetimeManager</c>):
/// the membership of sockets in their namespace, rooms and user, broadcasts with their options, the cluster-wide socket
/// utilities, the packets kept for connection state recovery, and the receiving half: a node (gateway) attaches its
/// sockets (<see cref="AttachNodeAsync"/>) and the adapter delivers to them what it sends. The broadcast operators only collect
/// <see cref="BroadcastOptions"/> and call this. Implementations: <see cref="InProcessAdapter"/> (one node, no
/// streams) and the Orleans adapter (grains and per-gateway streams). Both pass the same specification tests.
/// </summary>
internal abstract class SocketIOAdapter
{
    /// <summary>A socket connected: it is in its namespace (and the room of its own id).</summary>
    public abstract Task AddSocketAsync(AdapterMember socket);

    /// <summary>
    /// The socket joins rooms (socket.io's <c>addAll</c>): the node's index first, so that once the cluster routes a
    /// room's broadcasts to the node, the node knows the socket is in it. Its own id's room needs no joining.
    /// </summary>
    public abstract Task AddAllAsync(AdapterMember socket, IReadOnlyCollection<string> rooms);

    /// <summary>The socket leaves rooms (socket.io's <c>del</c>); it never leaves its own id's room.</summary>
    public abstract Task DelAsync(AdapterMember socket, IReadOnlyCollection<string> rooms);

    /// <summary>
    /// The socket left (socket.io's <c>delAll</c>): it is dropped from <paramref name="rooms"/>, its namespace and the
    /// sockets of <paramref name="userId"/>. Its node already forgot it (the connection went away there, or the node
    /// itself did), so only the cluster's records are changed.
    /// </summary>
    public abstract Task RemoveSocketAsync(AdapterMember socket, IReadOnlyCollection<string> rooms, string? userId);

    /// <summary>The socket's user changed from <paramref name="previous"/> to <paramref name="current"/> (either may be null):
    /// broadcasts to <see cref="BroadcastOptions.Users"/> follow.</summary>
    public abstract Task SetUserAsync(AdapterMember socket, string? previous, string? current);

    /// <summary>Sends an event to the sockets <paramref name="options"/> address.</summary>
    public abstract Task BroadcastAsync(BroadcastOptions options, string eventName, SocketPayload payload);

    /// <summary>
    /// Sends an event with an ack to the sockets <paramref name="options"/> address and collects the answers given
    /// within <see cref="BroadcastOptions.AckTimeout"/>; a socket that does not answer in time counts as not answering.
    /// </summary>
    public abstract Task<BroadcastAckResult> BroadcastWithAckAsync(BroadcastOptions options, string eventName, SocketPayload payload);

    /// <summary>The addressed sockets (socket.io's <c>fetchSockets</c>).</summary>
    public abstract Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options);

    /// <summary>How many sockets <paramref name="options"/> address.</summary>
    public abstract Task<int> CountAsync(BroadcastOptions options);

    /// <summary>The addressed sockets join <paramref name="rooms"/> (socket.io's <c>addSockets</c>).</summary>
    public abstract Task AddSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms);

    /// <summary>The addressed sockets leave <paramref name="rooms"/> (socket.io's <c>delSockets</c>).</summary>
    public abstract Task DelSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms);

    /// <summary>Disconnects the addressed sockets, and their connections too when <paramref name="closeConnection"/>.</summary>
    public abstract Task DisconnectSocketsAsync(BroadcastOptions options, bool closeConnection);

    /// <summary>The rooms of one socket, its own id's room included; empty when no such socket is connected.</summary>
    public abstract Task<IReadOnlyCollection<string>> SocketRoomsAsync(string socketId);

    /// <summary>The namespaces the nodes have (or, since they attached, had) sockets in, whatever handler serves them
    /// (Node's <c>io._nsps</c>, where a dynamic namespace's children appear as clients connect to them).</summary>
    public abstract Task<IReadOnlyCollection<string>> NamespacesAsync();

    /// <summary>Every member of <paramref name="room"/> in <paramref name="ns"/> leaves it.</summary>
    public abstract Task CloseRoomAsync(string ns, string room);

    /// <summary>
    /// Connection state recovery: keeps an event sent to <paramref name="rooms"/> (empty: the whole namespace) minus
    /// <paramref name="except"/> for the recovery window, and returns it with its offset (also its last argument).
    /// Broadcasts do this themselves when recovery is on; a socket's own emits call it.
    /// </summary>
    public abstract Task<OutboundPacket> PersistPacketAsync(string ns, IReadOnlyCollection<string> rooms, IReadOnlyCollection<string> except, OutboundPacket packet);

    /// <summary>
    /// Connection state recovery: the kept events after <paramref name="offset"/> that reach a socket in
    /// <paramref name="rooms"/>, in order; null when the offset is unknown (older than the window, or from before a restart).
    /// </summary>
    public abstract Task<OutboundPacket[]?> MissedPacketsAsync(string ns, string offset, IReadOnlyCollection<string> rooms);

    /// <summary>
    /// The receiving half: from now on what the adapter sends the sockets of <paramref name="node"/> reaches them. The
    /// Orleans adapter subscribes the node's broadcast stream and resolves each message in the node's index; the
    /// in-process adapter resolves its broadcasts in the node directly. Dispose the handle to detach the node.
    /// </summary>
    public abstract Task<IAdapterNodeHandle> AttachNodeAsync(AdapterNode node);

    /// <summary>
    /// Liveness (socket.io's cluster adapters' heartbeats): renews the lease of the node <see cref="GatewayHeartbeat.GatewayId"/>.
    /// A node whose lease runs out loses its sockets cluster-wide (they leave their rooms, namespace and user, and
    /// their disconnect handlers run). Null where nodes keep no leases (one process: a node cannot die without it),
    /// so the node needs no heartbeat loop.
    /// </summary>
    public abstract Task<GatewayHeartbeatReply?> RenewLeaseAsync(GatewayHeartbeat heartbeat);

    /// <summary>Liveness: the node gives its lease back as it shuts down (its sockets already left).</summary>
    public abstract Task ReleaseLeaseAsync(string nodeId);

    /// <summary>
    /// The socket <paramref name="socketId"/> of the node <paramref name="nodeId"/> when that node is attached in this process
    /// (<see cref="AttachNodeAsync"/>); null otherwise. What a socket's grain sends its own socket (an emit, the answer to an
    /// event) is written through it straight away where the grain runs in its gateway's process, instead of a call to the
    /// gateway and, for an answer, Orleans' response to the gateway's call.
    /// </summary>
    public IAdapterSocket? FindHere(string nodeId, string socketId) => AttachedHere(nodeId)?.Find(socketId);

    /// <summary>Whether the node <paramref name="nodeId"/> is attached in this process (<see cref="AttachNodeAsync"/>).</summary>
    public bool IsHere(string nodeId) => AttachedHere(nodeId) is not null;

    private AdapterNode? AttachedHere(string nodeId)
    {
        foreach (var node in AttachedNodes)
            if (node.Id == nodeId) return node;
        return null;
    }

    /// <summary>The nodes attached in this process (<see cref="AttachNodeAsync"/>).</summary>
    protected abstract ImmutableArray<AdapterNode> AttachedNodes { get; }
}
