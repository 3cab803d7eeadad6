using System.Collections.Concurrent;
using OrleansSocket.Grains.Fanout;
using OrleansSocket.Grains.Recovery;

namespace OrleansSocket.Grains.Adapters;

/// <summary>
/// <see cref="SocketIOAdapter"/> for one node (socket.io's in-memory adapter): every socket is local and held in a
/// <see cref="LocalRoomIndex{TSocket}"/>, broadcasts are written straight to the addressed sockets, no streams or grains.
/// The node hands over its sockets (<see cref="AddSocket"/>, which puts them in their namespace) and removes them
/// (<see cref="RemoveSocket"/>); their rooms and user change through the seam's membership methods (or <see cref="Join"/>
/// and <see cref="Leave"/>).
/// </summary>
/// <param name="time">The clock broadcast acks time out on, and kept packets age on.</param>
/// <param name="recovery">Connection state recovery: when enabled, broadcasts without acks that are not volatile
/// are kept for <see cref="ConnectionStateRecoveryOptions.MaxDisconnectionDuration"/>, as on the cluster.</param>
public sealed class InProcessAdapter(TimeProvider? time = null, ConnectionStateRecoveryOptions? recovery = null) : SocketIOAdapter
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConnectionStateRecoveryOptions _recovery = recovery ?? new();
    private readonly Dictionary<string, RecoveryLog> _logs = [];
    private readonly ConcurrentDictionary<string, IAdapterSocket> _sockets = new();
    private readonly LocalRoomIndex<IAdapterSocket> _index = new();
    // A socket's user: what it connected with, then what SetUserAsync says.
    private readonly ConcurrentDictionary<string, string> _users = new();

    /// <summary>A socket connected: it is in its namespace (and the room of its own id).</summary>
    public void AddSocket(IAdapterSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (!_sockets.TryAdd(socket.Id, socket)) throw new InvalidOperationException($"Socket {socket.Id} is already added.");
        _index.Add(socket);
        if (socket.UserId is { } user) _users[socket.Id] = user;
    }

    /// <summary>A socket disconnected: it leaves its namespace and every room.</summary>
    public void RemoveSocket(string socketId)
    {
        if (_sockets.TryRemove(socketId, out var socket)) _index.Remove(socket);
        _users.TryRemove(socketId, out _);
    }

    /// <summary>The socket joins rooms (socket.io's <c>addAll</c>); its own id's room needs no joining.</summary>
    public void Join(string socketId, IEnumerable<string> rooms)
    {
        if (Find(socketId) is { } socket) _index.Join(socket, rooms.Where(r => r != socketId));
    }

    /// <summary>The socket leaves rooms (socket.io's <c>del</c>); it never leaves its own id's room.</summary>
    public void Leave(string socketId, IEnumerable<string> rooms)
    {
        if (Find(socketId) is { } socket) _index.Leave(socket, rooms);
    }

    /// <summary>The socket must have been handed over with <see cref="AddSocket"/>, which already put it in its
    /// namespace; one the node does not hold is ignored.</summary>
    public override Task AddSocketAsync(AdapterMember socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (Find(socket.Id) is { } held) _index.Add(held);
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

    /// <summary>The socket is forgotten, as <see cref="RemoveSocket"/>: it is in no room, namespace or user any more.</summary>
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
        if (Find(socket.Id) is null) return Task.CompletedTask;
        if (current is null) _users.TryRemove(socket.Id, out _);
        else _users[socket.Id] = current;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task BroadcastAsync(BroadcastOptions options, string eventName, SocketPayload payload)
    {
        var packet = options.Packet(eventName, payload);
        // Kept also when no socket is addressed now (its sockets may be away, to come back), unless named users have none.
        if (_recovery.Enabled && !options.Volatile && Targets(options) is { } targets)
            packet = await PersistPacketAsync(options.Namespace, targets, options.Except, packet);
        foreach (var socket in Resolve(options)) socket.Deliver(packet);
    }

    /// <inheritdoc />
    public override async Task<BroadcastAckResult> BroadcastWithAckAsync(BroadcastOptions options, string eventName, SocketPayload payload)
    {
        var packet = options.Packet(eventName, payload);
        var timeout = options.AckTimeout ?? BroadcastOptions.DefaultAckTimeout;
        var targets = Resolve(options);
        var replies = await Task.WhenAll(targets.Select(async socket =>
        {
            try
            {
                return new SocketAckReply(socket.Id, await socket.DeliverWithAckAsync(packet).WaitAsync(timeout, _time));
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                return null; // no answer in time, or the socket left: it counts as not answering
            }
        }));
        return new BroadcastAckResult([.. replies.OfType<SocketAckReply>()], targets.Count, Complete: true);
    }

    /// <inheritdoc />
    public override Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options) =>
        Task.FromResult<IReadOnlyList<RemoteSocket>>([.. Resolve(options).Select(Describe)]);

    /// <inheritdoc />
    public override Task<int> CountAsync(BroadcastOptions options) => Task.FromResult(Resolve(options).Count);

    /// <inheritdoc />
    public override Task AddSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        foreach (var socket in Resolve(options)) Join(socket.Id, rooms);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task DelSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        foreach (var socket in Resolve(options)) Leave(socket.Id, rooms);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task DisconnectSocketsAsync(BroadcastOptions options, bool closeConnection) =>
        Task.WhenAll(Resolve(options).Select(s => s.DisconnectAsync(closeConnection)));

    /// <inheritdoc />
    public override Task<IReadOnlyCollection<string>> SocketRoomsAsync(string socketId) =>
        Task.FromResult<IReadOnlyCollection<string>>(Find(socketId) is { } socket ? [socket.Id, .. _index.RoomsOf(socket)] : []);

    /// <inheritdoc />
    public override Task CloseRoomAsync(string ns, string room)
    {
        foreach (var socket in _index.Resolve(ns, [room], [], _ => null)) Leave(socket.Id, [room]);
        return Task.CompletedTask;
    }

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

    // One node: every socket is local, so Local changes nothing.
    private List<IAdapterSocket> Resolve(BroadcastOptions options) =>
        Targets(options) is { } targets ? _index.Resolve(options.Namespace, targets, options.Except, Find) : [];

    /// <summary>The rooms to reach, a user's sockets as socket-id rooms (empty: the namespace); null when only users
    /// without sockets are named, who address nobody rather than the whole namespace.</summary>
    private List<string>? Targets(BroadcastOptions options)
    {
        var targets = new List<string>(options.Rooms);
        if (options.Users.IsEmpty) return targets;
        var users = options.Users.ToHashSet();
        targets.AddRange(_sockets.Values.Where(s => s.Namespace == options.Namespace && _users.TryGetValue(s.Id, out var u) && users.Contains(u)).Select(s => s.Id));
        return targets.Count == 0 ? null : targets;
    }

    private RemoteSocket Describe(IAdapterSocket socket) => socket.Describe([socket.Id, .. _index.RoomsOf(socket)]);

    private IAdapterSocket? Find(string socketId) => _sockets.GetValueOrDefault(socketId);
}
