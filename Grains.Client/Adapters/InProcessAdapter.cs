using System.Collections.Concurrent;
using System.Collections.Immutable;
using OrleansSocket.Grains.Recovery;

namespace OrleansSocket.Grains.Adapters;

/// <summary>
/// <see cref="SocketIOAdapter"/> for one process (socket.io's in-memory adapter): every socket is held by a node in
/// this process, broadcasts are resolved in the nodes' indexes and written straight to the addressed sockets; no
/// streams, no grains of its own, no liveness (a node of the process cannot die without it). Nodes attach
/// (<see cref="AttachNodeAsync"/>: the test kit's gateways), or sockets are handed over one by one (<see cref="AddSocket"/>,
/// into the adapter's own node). <see cref="BroadcastOptions.Local"/> reaches the sockets of the node
/// <see cref="BroadcastOptions.Node"/> names, or of the adapter's own node when it names none.
/// </summary>
/// <param name="time">The clock broadcast acks time out on, and kept packets age on.</param>
/// <param name="recovery">Connection state recovery: when enabled, broadcasts without acks that are not volatile
/// are kept for <see cref="ConnectionStateRecoveryOptions.MaxDisconnectionDuration"/>, as on the cluster.</param>
internal sealed class InProcessAdapter(TimeProvider? time = null, ConnectionStateRecoveryOptions? recovery = null) : SocketIOAdapter
{
    /// <summary>The id of the node that holds the sockets handed over with <see cref="AddSocket"/>.</summary>
    public const string OwnNodeId = "in-process";

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConnectionStateRecoveryOptions _recovery = recovery ?? new();
    private readonly Dictionary<string, RecoveryLog> _logs = [];
    private readonly ConcurrentDictionary<string, IAdapterSocket> _own = new();
    private readonly Lock _nodesGate = new();
    private ImmutableArray<AdapterNode> _nodes = [];
    // A socket's user: what it connected with, then what SetUserAsync says.
    private readonly ConcurrentDictionary<string, string> _users = new();
    private AdapterNode? _ownNode;

    private AdapterNode OwnNode
    {
        get
        {
            lock (_nodesGate)
            {
                if (_ownNode is null)
                {
                    _ownNode = new AdapterNode(OwnNodeId, id => _own.GetValueOrDefault(id));
                    _nodes = _nodes.Add(_ownNode);
                }
                return _ownNode;
            }
        }
    }

    /// <inheritdoc />
    protected override ImmutableArray<AdapterNode> AttachedNodes => _nodes;

    /// <summary>A socket connected to the adapter's own node: it is in its namespace (and the room of its own id).</summary>
    public void AddSocket(IAdapterSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var node = OwnNode;
        if (!_own.TryAdd(socket.Id, socket)) throw new InvalidOperationException($"Socket {socket.Id} is already added.");
        node.Add(socket);
        if (socket.UserId is { } user) _users[socket.Id] = user;
    }

    /// <summary>A socket of the adapter's own node disconnected: it leaves its namespace and every room.</summary>
    public void RemoveSocket(string socketId)
    {
        if (_own.TryRemove(socketId, out var socket)) OwnNode.Remove(socket);
        _users.TryRemove(socketId, out _);
    }

    /// <summary>The socket joins rooms (socket.io's <c>addAll</c>); its own id's room needs no joining.</summary>
    public void Join(string socketId, IEnumerable<string> rooms)
    {
        if (Locate(socketId) is (var node, var socket)) node.Join(socket, rooms.Where(r => r != socketId));
    }

    /// <summary>The socket leaves rooms (socket.io's <c>del</c>); it never leaves its own id's room.</summary>
    public void Leave(string socketId, IEnumerable<string> rooms)
    {
        if (Locate(socketId) is (var node, var socket)) node.Leave(socket, rooms);
    }

    /// <summary>Nothing to subscribe: the node's sockets are reached from now on, synchronously.</summary>
    public override Task<IAdapterNodeHandle> AttachNodeAsync(AdapterNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        lock (_nodesGate)
        {
            if (_nodes.Any(n => n.Id == node.Id)) throw new InvalidOperationException($"A node {node.Id} is attached already.");
            _nodes = _nodes.Add(node);
        }
        return Task.FromResult<IAdapterNodeHandle>(new Attached(this, node));
    }

    /// <summary>No leases: every node is in this process, which cannot lose one and live on.</summary>
    public override Task<GatewayHeartbeatReply?> RenewLeaseAsync(GatewayHeartbeat heartbeat) => Task.FromResult<GatewayHeartbeatReply?>(null);

    /// <summary>No leases to give back.</summary>
    public override Task ReleaseLeaseAsync(string nodeId) => Task.CompletedTask;

    /// <summary>The socket must be held by a node (attached, or handed over with <see cref="AddSocket"/>); it is indexed
    /// in its namespace. One no node holds is ignored.</summary>
    public override Task AddSocketAsync(AdapterMember socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (Locate(socket.Id) is (var node, var held))
        {
            node.Add(held);
            if (held.UserId is { } user) _users.TryAdd(held.Id, user);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task AddAllAsync(AdapterMember socket, IReadOnlyCollection<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Join(socket.Id, rooms);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task DelAsync(AdapterMember socket, IReadOnlyCollection<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Leave(socket.Id, rooms);
        return Task.CompletedTask;
    }

    /// <summary>The socket is forgotten: in no user any more, and a socket of the adapter's own node in no room or
    /// namespace either. An attached node already took its socket out of its index (and may hold a new socket of the
    /// same id by now, a recovered session).</summary>
    public override Task RemoveSocketAsync(AdapterMember socket, IReadOnlyCollection<string> rooms, string? userId)
    {
        ArgumentNullException.ThrowIfNull(socket);
        RemoveSocket(socket.Id);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task SetUserAsync(AdapterMember socket, string? previous, string? current)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (Locate(socket.Id) is null) return Task.CompletedTask;
        if (current is null) _users.TryRemove(socket.Id, out _);
        else _users[socket.Id] = current;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task BroadcastAsync(BroadcastOptions options, string eventName, SocketPayload payload)
    {
        var packet = options.Packet(eventName, payload);
        // Kept also when no socket is addressed now (its sockets may be away, to come back), unless named users have none.
        var targets = Targets(options);
        if (_recovery.Enabled && !options.Volatile && targets is not null)
            packet = await PersistPacketAsync(options.Namespace, targets, options.Except, packet);
        if (targets is null) return;
        foreach (var node in Nodes(options)) AdapterNode.Deliver(node.Resolve(options.Namespace, targets, options.Except), packet);
    }

    /// <inheritdoc />
    public override async Task<BroadcastAckResult> BroadcastWithAckAsync(BroadcastOptions options, string eventName, SocketPayload payload)
    {
        var packet = options.Packet(eventName, payload);
        var timeout = options.AckTimeout ?? BroadcastOptions.DefaultAckTimeout;
        var targets = Resolve(options);
        var replies = await Task.WhenAll(targets.Select(async target =>
        {
            var socket = target.Socket;
            try
            {
                return new SocketAckReply(socket.Id, await socket.DeliverWithAckAsync(packet, timeout).WaitAsync(timeout, _time));
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                return null; // no answer in time, or the socket left: it counts as not answering
            }
        }));
        return new BroadcastAckResult([.. replies.OfType<SocketAckReply>()], targets.Count, Complete: true);
    }

    /// <inheritdoc />
    public override async Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options) =>
        [.. (await Task.WhenAll(Resolve(options).Select(t => t.Socket.DescribeAsync([t.Socket.Id, .. t.Node.RoomsOf(t.Socket)])))).OfType<RemoteSocket>()];

    /// <inheritdoc />
    public override Task<int> CountAsync(BroadcastOptions options) => Task.FromResult(Resolve(options).Count);

    /// <inheritdoc />
    public override Task AddSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms) =>
        Task.WhenAll(Resolve(options).Select(t => t.Socket.JoinAsync(rooms)));

    /// <inheritdoc />
    public override Task DelSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms) =>
        Task.WhenAll(Resolve(options).Select(t => t.Socket.LeaveAsync(rooms)));

    /// <inheritdoc />
    public override Task DisconnectSocketsAsync(BroadcastOptions options, bool closeConnection) =>
        Task.WhenAll(Resolve(options).Select(t => t.Socket.DisconnectAsync(closeConnection)));

    /// <summary>From the index of the node that holds the socket: the same rooms a broadcast resolves.</summary>
    public override Task<IReadOnlyCollection<string>> SocketRoomsAsync(string socketId) =>
        Task.FromResult<IReadOnlyCollection<string>>(Locate(socketId) is (var node, var socket) ? [socket.Id, .. node.RoomsOf(socket)] : []);

    /// <summary>The namespaces each attached node has sockets in now.</summary>
    public override Task<IReadOnlyCollection<string>> NamespacesAsync() =>
        Task.FromResult<IReadOnlyCollection<string>>([.. _nodes.SelectMany(n => n.Namespaces()).Distinct()]);

    /// <inheritdoc />
    public override Task CloseRoomAsync(string ns, string room) =>
        Task.WhenAll(_nodes.SelectMany(node => node.Resolve(ns, [room], [])).Select(s => s.LeaveAsync([room])));

    /// <inheritdoc />
    public override Task<OutboundPacket> PersistPacketAsync(string ns, IReadOnlyCollection<string> rooms, IReadOnlyCollection<string> except, OutboundPacket packet)
    {
        lock (_logs)
        {
            if (!_logs.TryGetValue(ns, out var log)) _logs[ns] = log = new RecoveryLog(_recovery.MaxDisconnectionDuration, _time);
            return Task.FromResult(log.Append([.. rooms], [.. except], packet));
        }
    }

    /// <inheritdoc />
    public override Task<OutboundPacket[]?> MissedPacketsAsync(string ns, string offset, IReadOnlyCollection<string> rooms)
    {
        lock (_logs) return Task.FromResult(_logs.TryGetValue(ns, out var log) ? log.Since(offset, rooms) : null);
    }

    /// <summary>The nodes an operation reaches: when local, the one <see cref="BroadcastOptions.Node"/> names, else the
    /// adapter's own (<see cref="OwnNodeId"/>, as the Orleans adapter's own gateway); otherwise all.</summary>
    private IEnumerable<AdapterNode> Nodes(BroadcastOptions options) =>
        options.Local ? _nodes.Where(n => n.Id == (options.Node ?? OwnNodeId)) : _nodes;

    private List<(AdapterNode Node, IAdapterSocket Socket)> Resolve(BroadcastOptions options) =>
        Targets(options) is { } targets
            ? [.. Nodes(options).SelectMany(node => node.Resolve(options.Namespace, targets, options.Except).Select(s => (node, s)))]
            : [];

    /// <summary>The rooms to reach, a user's sockets as socket-id rooms (empty: the namespace); null when only users
    /// without sockets are named, who address nobody rather than the whole namespace.</summary>
    private List<string>? Targets(BroadcastOptions options)
    {
        var targets = new List<string>(options.Rooms);
        if (options.Users.IsEmpty) return targets;
        var users = options.Users.ToHashSet();
        targets.AddRange(_users.Where(u => users.Contains(u.Value) && Locate(u.Key)?.Socket.Namespace == options.Namespace).Select(u => u.Key));
        return targets.Count == 0 ? null : targets;
    }

    /// <summary>The node holding a socket, and the socket.</summary>
    private (AdapterNode Node, IAdapterSocket Socket)? Locate(string socketId)
    {
        foreach (var node in _nodes)
            if (node.Find(socketId) is { } socket) return (node, socket);
        return null;
    }

    private sealed class Attached(InProcessAdapter adapter, AdapterNode node) : IAdapterNodeHandle
    {
        public Task FlushAsync(TimeSpan timeout) => Task.CompletedTask;

        public Task RecoverAsync() => Task.CompletedTask;

        public ValueTask DisposeAsync()
        {
            lock (adapter._nodesGate) adapter._nodes = adapter._nodes.Remove(node);
            return ValueTask.CompletedTask;
        }
    }
}
