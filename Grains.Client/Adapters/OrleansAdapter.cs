using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OrleansSocket.Grains.Streaming;

namespace OrleansSocket.Grains.Adapters;

/// <summary>
/// <see cref="SocketIOAdapter"/> over the cluster. An emit asks the room (or namespace, or user) grains which
/// gateways hold the targets and publishes one <see cref="GatewayBroadcast"/> per gateway on that gateway's
/// stream; each gateway receives it through its <see cref="OrleansNodeReceiver"/> (<see cref="AttachNodeAsync"/>), which
/// resolves the node's members and encodes the packet once. The socket utilities ask the membership grains for the
/// socket ids and call the socket grains.
/// </summary>
/// <param name="grains">Reaches the membership, user, socket, recovery-log and broadcast-ack grains.</param>
/// <param name="services">The process's services: the stream provider and the configured recovery options.</param>
/// <param name="localGatewayId">This node's gateway, which <see cref="BroadcastOptions.Local"/> restricts to;
/// null in a process that holds no sockets (a silo, an emitter), where a local operation reaches none.</param>
/// <param name="recovery">Connection state recovery; null: the process's configured options.</param>
internal sealed class OrleansAdapter(IGrainFactory grains, IServiceProvider services, string? localGatewayId = null,
    ConnectionStateRecoveryOptions? recovery = null) : SocketIOAdapter
{
    // Back-pressure: a memory stream queue holds 16 384 messages and refuses more (InvalidOperationException).
    // The publisher then waits and tries again, slowing the emitter down to the gateways' pace; a volatile
    // packet is dropped instead, as it is for a socket that cannot take it.
    private static readonly TimeSpan[] Backoff = [.. new[] { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 }.Select(ms => TimeSpan.FromMilliseconds(ms))];

    // A little longer than the clients get, so the gateways' reports of late answers still arrive.
    private static readonly TimeSpan ReportGrace = TimeSpan.FromSeconds(1);

    private readonly SocketIOMeters? _meters = services.GetService<SocketIOMeters>();
    private readonly StreamQueueWaker? _waker = services.GetService<StreamQueueWaker>();
    private readonly bool _recoveryEnabled = (recovery ?? services.GetService<IOptions<ConnectionStateRecoveryOptions>>()?.Value)?.Enabled ?? false;
    private IStreamProvider? _streams;

    // The nodes of this process attached to this adapter: a socket's rooms are read from its node's index.
    private ImmutableArray<AdapterNode> _nodes = [];

    // Their receivers by node id: a broadcast without acks to one of them is delivered by the publishing call itself.
    private ImmutableDictionary<string, OrleansNodeReceiver> _receivers = ImmutableDictionary<string, OrleansNodeReceiver>.Empty;

    /// <summary>The gateway <see cref="BroadcastOptions.Local"/> reaches when the options name none; null in a process
    /// that holds no sockets. Settable for the test kit, whose gateways get their ids after the adapter is made.</summary>
    internal string? LocalGatewayId { get; set; } = localGatewayId;

    /// <summary>Subscribes the node's broadcast stream: what is published to the node reaches its sockets.</summary>
    public override async Task<IAdapterNodeHandle> AttachNodeAsync(AdapterNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger<OrleansNodeReceiver>() ?? (ILogger)NullLogger.Instance;
        var receiver = await OrleansNodeReceiver.StartAsync(node, grains, Streams, logger, detached: () =>
        {
            ImmutableInterlocked.TryRemove(ref _receivers, node.Id, out _);
            ImmutableInterlocked.Update(ref _nodes, nodes => nodes.Remove(node));
        }, _meters, services.GetService<IOptions<SocketIOStreamOptions>>()?.Value, _waker);
        ImmutableInterlocked.Update(ref _nodes, nodes => nodes.Add(node));
        ImmutableInterlocked.AddOrUpdate(ref _receivers, node.Id, receiver, (_, _) => receiver);
        return receiver;
    }

    /// <inheritdoc />
    protected override ImmutableArray<AdapterNode> AttachedNodes => _nodes;

    /// <summary>A heartbeat to the gateway membership (<see cref="IGatewayMembershipGrain"/>), which declares a gateway that
    /// misses its lease dead and drops its sockets.</summary>
    public override async Task<GatewayHeartbeatReply?> RenewLeaseAsync(GatewayHeartbeat heartbeat) => await Membership.Heartbeat(heartbeat);

    /// <inheritdoc />
    public override Task ReleaseLeaseAsync(string nodeId) => Membership.Unregister(nodeId);

    private IGatewayMembershipGrain Membership => grains.GetGrain<IGatewayMembershipGrain>(IGatewayMembershipGrain.Key);

    private IStreamProvider Streams => _streams ??= services.GetRequiredKeyedService<IStreamProvider>(GatewayStreams.Provider);

    public override Task AddSocketAsync(AdapterMember socket) =>
        grains.GetGrain<INamespaceGrain>(socket.Namespace).Join(socket.Id, socket.GatewayId);

    public override async Task AddAllAsync(AdapterMember socket, IReadOnlyCollection<string> rooms)
    {
        string[] added = [.. rooms.Where(r => r != socket.Id).Distinct()];
        if (added.Length == 0) return;
        // The gateway's index first: once a room grain lists the gateway, broadcasts arrive there.
        if (socket.Gateway is { } gateway) await gateway.RoomsChanged(socket.Id, added, []);
        await Task.WhenAll(added.Select(r => Room(socket.Namespace, r).Join(socket.Id, socket.GatewayId)));
    }

    public override async Task DelAsync(AdapterMember socket, IReadOnlyCollection<string> rooms)
    {
        string[] removed = [.. rooms.Where(r => r != socket.Id).Distinct()];
        if (removed.Length == 0) return;
        // The room grains first, the gateway's index after: no broadcast is routed to a gateway that would drop it.
        await Task.WhenAll(removed.Select(r => Room(socket.Namespace, r).Leave(socket.Id)));
        if (socket.Gateway is { } gateway) await gateway.RoomsChanged(socket.Id, [], removed);
    }

    public override async Task RemoveSocketAsync(AdapterMember socket, IReadOnlyCollection<string> rooms, string? userId)
    {
        // No call to the gateway: it may be the one that died.
        await Task.WhenAll(rooms.Where(r => r != socket.Id).Distinct().Select(r => Room(socket.Namespace, r).Leave(socket.Id)));
        await grains.GetGrain<INamespaceGrain>(socket.Namespace).Leave(socket.Id);
        if (userId is not null) await grains.GetGrain<IUserGrain>(userId).Remove(socket.Id);
    }

    public override async Task SetUserAsync(AdapterMember socket, string? previous, string? current)
    {
        if (previous == current) return;
        if (previous is not null) await grains.GetGrain<IUserGrain>(previous).Remove(socket.Id);
        if (current is not null) await grains.GetGrain<IUserGrain>(current).Add(new UserSocket(socket.Id, socket.Namespace, socket.GatewayId));
    }

    public override async Task BroadcastAsync(BroadcastOptions options, string eventName, SocketPayload payload) =>
        await Publish(options, options.Packet(eventName, payload), null);

    public override async Task<BroadcastAckResult> BroadcastWithAckAsync(BroadcastOptions options, string eventName, SocketPayload payload)
    {
        var timeout = options.AckTimeout ?? BroadcastOptions.DefaultAckTimeout;
        var collectorId = Guid.NewGuid();
        var gateways = await Publish(options, options.Packet(eventName, payload), (collectorId, timeout));
        return await grains.GetGrain<IBroadcastAckGrain>(collectorId).Collect(gateways, timeout + ReportGrace);
    }

    public override async Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options) =>
        [.. (await Describe(await MemberIds(options))).Where(s => !options.Local || s.GatewayId == Node(options))];

    public override async Task<int> CountAsync(BroadcastOptions options) =>
        options.Local ? (await FetchSocketsAsync(options)).Count : (await MemberIds(options)).Count;

    public override Task AddSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms) =>
        ForEachMember(options, socket => socket.JoinRooms([.. rooms]));

    public override Task DelSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms) =>
        ForEachMember(options, socket => socket.LeaveRooms([.. rooms]));

    public override Task DisconnectSocketsAsync(BroadcastOptions options, bool closeConnection) =>
        ForEachMember(options, socket => socket.Disconnect(closeConnection));

    /// <summary>From the index of this process's node holding the socket, the one its broadcasts resolve in (as the
    /// in-process adapter answers); a socket of another node from its grain, whose record the node's index follows.</summary>
    public override async Task<IReadOnlyCollection<string>> SocketRoomsAsync(string socketId)
    {
        foreach (var node in _nodes)
            if (node.Find(socketId) is { } socket) return [socket.Id, .. node.RoomsOf(socket)];
        return (await grains.GetGrain<ISocketGrain>(socketId).Describe())?.Rooms ?? [];
    }

    /// <summary>From the gateway membership, which learns each gateway's namespaces from its heartbeats and its
    /// namespace grains (<see cref="IGatewayMembershipGrain.AddNamespace"/>).</summary>
    public override async Task<IReadOnlyCollection<string>> NamespacesAsync() => await Membership.Namespaces();

    public override async Task CloseRoomAsync(string ns, string room)
    {
        var members = await RoomMembers(ns, room);
        await Task.WhenAll(members.Where(m => m != room).Select(id => grains.GetGrain<ISocketGrain>(id).LeaveRooms([room])));
    }

    public override Task<OutboundPacket> PersistPacketAsync(string ns, IReadOnlyCollection<string> rooms, IReadOnlyCollection<string> except, OutboundPacket packet) =>
        grains.GetGrain<IRecoveryLogGrain>(ns).Append([.. rooms], [.. except], packet);

    public override Task<OutboundPacket[]?> MissedPacketsAsync(string ns, string offset, IReadOnlyCollection<string> rooms) =>
        grains.GetGrain<IRecoveryLogGrain>(ns).Since(offset, [.. rooms]);

    /// <summary>The gateway a local operation reaches: the one the options name, else this process's own (none in a silo).</summary>
    private string? Node(BroadcastOptions options) => options.Node ?? LocalGatewayId;

    private async Task ForEachMember(BroadcastOptions options, Func<ISocketGrain, Task> action)
    {
        var ids = options.Local ? (await FetchSocketsAsync(options)).Select(s => s.Id) : await MemberIds(options);
        await Task.WhenAll(ids.Select(id => action(grains.GetGrain<ISocketGrain>(id))));
    }

    private async Task<RemoteSocket[]> Describe(IEnumerable<string> ids) =>
        [.. (await Task.WhenAll(ids.Select(id => grains.GetGrain<ISocketGrain>(id).Describe()))).OfType<RemoteSocket>()];

    /// <returns>How many gateways the broadcast went to.</returns>
    private async Task<int> Publish(BroadcastOptions options, OutboundPacket packet, (Guid Id, TimeSpan Timeout)? ack)
    {
        var (targets, userGateways) = await Targets(options);
        // Only users without sockets named: nobody is addressed. Kept with no rooms, the packet would be
        // replayed to every socket of the namespace that recovers.
        if (targets.Length == 0 && !options.Users.IsEmpty) return 0;
        string[] except = [.. options.Except];
        // Connection state recovery: events without acks that are not volatile get an offset and are kept —
        // also when no gateway holds a target now (its sockets may be away, to come back). Logged before the
        // room grains are asked, so a recovering socket either finds it in the log or is back in its rooms.
        if (ack is null && !options.Volatile && _recoveryEnabled)
            packet = await PersistPacketAsync(options.Namespace, targets, except, packet);
        var gateways = await Gateways(options, userGateways);
        if (options.Local) gateways.RemoveWhere(g => g != Node(options));
        if (gateways.Count == 0) return 0;
        var message = new GatewayBroadcast(options.Namespace, targets, except, packet, ack?.Id, ack?.Timeout ?? default,
            System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } emitting ? emitting.Id : null);
        // One message per gateway, all published at once: a slow or dead gateway's stream holds up no other.
        await Task.WhenAll(gateways.Select(async g =>
        {
            // A gateway of this process (the embedded shape, a co-hosted silo's own gateway): handed straight to its
            // receiver's queue, in order, without the stream's serialization, queue, pull and delivery.
            if (_receivers.TryGetValue(g, out var local)) await local.DeliverHereAsync(message);
            else await PublishTo(g, message);
            _meters?.StreamMessagePublished();
        }));
        return gateways.Count;
    }

    private async Task PublishTo(string gatewayId, GatewayBroadcast message)
    {
        var stream = Streams.GetStream<GatewayBroadcast>(GatewayStreams.For(gatewayId));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await stream.OnNextAsync(message);
                _waker?.Published(gatewayId);
                return;
            }
            catch (InvalidOperationException) when (attempt < Backoff.Length)
            {
                if (message.Packet.Volatile) return;
                await Task.Delay(Backoff[attempt]);
            }
        }
    }

    /// <summary>The rooms to reach (a user's sockets become socket-id rooms) and the gateways of those user sockets.</summary>
    private async Task<(string[] Targets, HashSet<string> UserGateways)> Targets(BroadcastOptions options)
    {
        var userGateways = new HashSet<string>();
        if (options.Users.IsEmpty) return ([.. options.Rooms], userGateways);
        var targets = new List<string>(options.Rooms);
        foreach (var socket in await UserSockets(options))
        {
            targets.Add(socket.SocketId);
            userGateways.Add(socket.GatewayId);
        }
        return ([.. targets], userGateways);
    }

    /// <summary>The gateways holding the rooms' members (all of the namespace's when no room or user is named).</summary>
    private async Task<HashSet<string>> Gateways(BroadcastOptions options, HashSet<string> userGateways)
    {
        if (options.WholeNamespace)
            return [.. await grains.GetGrain<INamespaceGrain>(options.Namespace).Gateways()];
        var gateways = userGateways;
        foreach (var roomGateways in await Task.WhenAll(options.Rooms.Distinct().Select(r => Room(options.Namespace, r).Gateways())))
            gateways.UnionWith(roomGateways);
        return gateways;
    }

    /// <summary>Socket ids the options address, for the socket utilities (fetch, count, join, leave, disconnect).</summary>
    private async Task<HashSet<string>> MemberIds(BroadcastOptions options)
    {
        var members = new HashSet<string>();
        if (options.WholeNamespace)
            members.UnionWith(await grains.GetGrain<INamespaceGrain>(options.Namespace).Members());
        string[] rooms = [.. options.Rooms.Distinct()];
        var roomMembers = await Task.WhenAll(rooms.Select(r => RoomMembers(options.Namespace, r)));
        foreach (var m in roomMembers) members.UnionWith(m);
        // A socket is in the room of its own id, which no room grain lists: a named room without members
        // may be a socket of this namespace (one more call, only then).
        if (roomMembers.Any(m => m.Length == 0))
        {
            var sockets = (await grains.GetGrain<INamespaceGrain>(options.Namespace).Members()).ToHashSet();
            members.UnionWith(rooms.Where((r, i) => roomMembers[i].Length == 0 && sockets.Contains(r)));
        }
        members.UnionWith((await UserSockets(options)).Select(s => s.SocketId));
        foreach (var m in await Task.WhenAll(options.Except.Distinct().Select(r => RoomMembers(options.Namespace, r))))
            members.ExceptWith(m);
        members.ExceptWith(options.Except);
        return members;
    }

    private async Task<IEnumerable<UserSocket>> UserSockets(BroadcastOptions options) =>
        (await Task.WhenAll(options.Users.Distinct().Select(u => grains.GetGrain<IUserGrain>(u).Sockets())))
            .SelectMany(s => s).Where(s => s.Namespace == options.Namespace);

    private Task<string[]> RoomMembers(string ns, string room) => Room(ns, room).Members();

    private IRoomGrain Room(string ns, string room) => grains.GetGrain<IRoomGrain>(RoomKey.Of(ns, room));
}
