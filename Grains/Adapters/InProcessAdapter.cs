using System.Collections.Concurrent;
using OrleansSocket.Grains.Fanout;

namespace OrleansSocket.Grains.Adapters;

/// <summary>
/// <see cref="SocketIOAdapter"/> for one node (socket.io's in-memory adapter): every socket is local and held in a
/// <see cref="LocalRoomIndex{TSocket}"/>, broadcasts are written straight to the addressed sockets, no streams or grains.
/// The node adds and removes its sockets (<see cref="AddSocket"/>, <see cref="RemoveSocket"/>) and their rooms
/// (<see cref="Join"/>, <see cref="Leave"/>).
/// </summary>
/// <param name="time">The clock broadcast acks time out on.</param>
public sealed class InProcessAdapter(TimeProvider? time = null) : SocketIOAdapter
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, IAdapterSocket> _sockets = new();
    private readonly LocalRoomIndex<IAdapterSocket> _index = new();

    /// <summary>A socket connected: it is in its namespace (and the room of its own id).</summary>
    public void AddSocket(IAdapterSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (!_sockets.TryAdd(socket.Id, socket)) throw new InvalidOperationException($"Socket {socket.Id} is already added.");
        _index.Add(socket);
    }

    /// <summary>A socket disconnected: it leaves its namespace and every room.</summary>
    public void RemoveSocket(string socketId)
    {
        if (_sockets.TryRemove(socketId, out var socket)) _index.Remove(socket);
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

    public override Task BroadcastAsync(BroadcastOptions options, string eventName, SocketPayload payload)
    {
        var packet = options.Packet(eventName, payload);
        foreach (var socket in Resolve(options)) socket.Deliver(packet);
        return Task.CompletedTask;
    }

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

    public override Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options) =>
        Task.FromResult<IReadOnlyList<RemoteSocket>>([.. Resolve(options).Select(Describe)]);

    public override Task<int> CountAsync(BroadcastOptions options) => Task.FromResult(Resolve(options).Count);

    public override Task AddSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        foreach (var socket in Resolve(options)) Join(socket.Id, rooms);
        return Task.CompletedTask;
    }

    public override Task DelSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        foreach (var socket in Resolve(options)) Leave(socket.Id, rooms);
        return Task.CompletedTask;
    }

    public override Task DisconnectSocketsAsync(BroadcastOptions options, bool closeConnection) =>
        Task.WhenAll(Resolve(options).Select(s => s.DisconnectAsync(closeConnection)));

    public override Task<IReadOnlyCollection<string>> SocketRoomsAsync(string socketId) =>
        Task.FromResult<IReadOnlyCollection<string>>(Find(socketId) is { } socket ? [socket.Id, .. _index.RoomsOf(socket)] : []);

    public override Task CloseRoomAsync(string ns, string room)
    {
        foreach (var socket in _index.Resolve(ns, [room], [], _ => null)) Leave(socket.Id, [room]);
        return Task.CompletedTask;
    }

    private List<IAdapterSocket> Resolve(BroadcastOptions options)
    {
        // One node: every socket is local, so Local changes nothing.
        var targets = new List<string>(options.Rooms);
        if (!options.Users.IsEmpty)
        {
            var users = options.Users.ToHashSet();
            targets.AddRange(_sockets.Values.Where(s => s.Namespace == options.Namespace && s.UserId is { } u && users.Contains(u)).Select(s => s.Id));
            // Named users without sockets here address nobody, not the whole namespace.
            if (targets.Count == 0) return [];
        }
        return _index.Resolve(options.Namespace, targets, options.Except, Find);
    }

    private RemoteSocket Describe(IAdapterSocket socket) => socket.Describe([socket.Id, .. _index.RoomsOf(socket)]);

    private IAdapterSocket? Find(string socketId) => _sockets.GetValueOrDefault(socketId);
}
