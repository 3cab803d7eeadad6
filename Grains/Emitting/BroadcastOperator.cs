using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OrleansSocket.Grains.Handlers;
using OrleansSocket.Grains.Sockets;

namespace OrleansSocket.Grains.Emitting;

/// <summary>
/// <see cref="IBroadcast"/> over the cluster. An emit asks the room (or namespace, or user) grains
/// which gateways hold the targets and publishes one <see cref="GatewayBroadcast"/> per gateway on
/// that gateway's stream; each gateway resolves its local members and encodes the packet once.
/// </summary>
internal sealed record BroadcastOperator(
    EmitterContext Context,
    string Namespace,
    string[] Rooms,
    string[] ExceptRooms,
    string[] Users,
    bool IsVolatile = false,
    TimeSpan? AckTimeout = null) : IBroadcast
{
    private static readonly TimeSpan DefaultAckTimeout = TimeSpan.FromSeconds(5);

    public IBroadcast To(params string[] rooms) => this with { Rooms = [.. Rooms, .. rooms] };
    public IBroadcast In(params string[] rooms) => To(rooms);
    public IBroadcast Except(params string[] rooms) => this with { ExceptRooms = [.. ExceptRooms, .. rooms] };
    public IBroadcast ToUser(params string[] userIds) => this with { Users = [.. Users, .. userIds] };
    public IBroadcast Volatile => this with { IsVolatile = true };
    public IBroadcast Timeout(TimeSpan timeout) => this with { AckTimeout = timeout };

    // The socket operations (all but EmitWithAck, which waits for clients) count as a running handler's own work: see EventRun.
    public Task Emit(string eventName, params object?[] args) => Emit(eventName, PayloadSerializer.Serialize(args));

    public Task Emit(string eventName, SocketPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return EventRun.Track(Publish(eventName, payload, null));
    }

    public Task Send(object? data, bool json = false) => Emit(json ? "json" : "message", data);

    public Task<BroadcastAcks> EmitWithAck(string eventName, params object?[] args) => EmitWithAck(eventName, PayloadSerializer.Serialize(args));

    public async Task<BroadcastAcks> EmitWithAck(string eventName, SocketPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var timeout = AckTimeout ?? DefaultAckTimeout;
        var collectorId = Guid.NewGuid();
        var gateways = await Publish(eventName, payload, (collectorId, timeout));
        // A little longer than the clients get, so the gateways' reports of late answers still arrive.
        var result = await Context.Grains.GetGrain<IBroadcastAckGrain>(collectorId)
            .Collect(gateways, timeout + TimeSpan.FromSeconds(1));
        return new BroadcastAcks(result);
    }

    public Task<IReadOnlyList<RemoteSocket>> FetchSockets() => EventRun.Track(Fetch());

    private async Task<IReadOnlyList<RemoteSocket>> Fetch()
    {
        var sockets = await Task.WhenAll((await MemberIds()).Select(id => Context.Grains.GetGrain<ISocketGrain>(id).Describe()));
        return [.. sockets.OfType<RemoteSocket>()];
    }

    public Task<int> Count() => EventRun.Track(CountMembers());

    public Task SocketsJoin(params string[] rooms) =>
        EventRun.Track(ForEachMember(socket => socket.JoinRooms(rooms)));

    public Task SocketsLeave(params string[] rooms) =>
        EventRun.Track(ForEachMember(socket => socket.LeaveRooms(rooms)));

    public Task DisconnectSockets(bool closeConnection = false) =>
        EventRun.Track(ForEachMember(socket => socket.Disconnect(closeConnection)));

    private async Task<int> CountMembers() => (await MemberIds()).Count;

    private async Task ForEachMember(Func<ISocketGrain, Task> action) =>
        await Task.WhenAll((await MemberIds()).Select(id => action(Context.Grains.GetGrain<ISocketGrain>(id))));

    /// <returns>How many gateways the broadcast went to.</returns>
    private async Task<int> Publish(string eventName, SocketPayload payload, (Guid Id, TimeSpan Timeout)? ack)
    {
        var (targets, userGateways) = await Targets();
        var packet = new OutboundPacket(Namespace, eventName, payload, IsVolatile);
        // Connection state recovery: events without acks that are not volatile get an offset and are kept —
        // also when no gateway holds a target now (its sockets may be away, to come back). Logged before the
        // room grains are asked, so a recovering socket either finds it in the log or is back in its rooms.
        if (ack is null && !IsVolatile && Context.RecoveryEnabled)
            packet = await Context.Grains.GetGrain<IRecoveryLogGrain>(Namespace).Append(targets, ExceptRooms, packet);
        var gateways = await Gateways(userGateways);
        if (gateways.Count == 0) return 0;
        var message = new GatewayBroadcast(Namespace, targets, ExceptRooms, packet, ack?.Id, ack?.Timeout ?? default);
        // One message per gateway, all published at once: a slow or dead gateway's stream holds up no other.
        await Task.WhenAll(gateways.Select(async g =>
        {
            await Context.Publish(g, message);
            SocketIOMetrics.StreamMessagePublished();
        }));
        return gateways.Count;
    }

    /// <summary>The rooms to reach (a user's sockets become socket-id rooms) and the gateways of those user sockets.</summary>
    private async Task<(string[] Targets, HashSet<string> UserGateways)> Targets()
    {
        var userGateways = new HashSet<string>();
        if (Users.Length == 0) return (Rooms, userGateways);
        var targets = new List<string>(Rooms);
        foreach (var sockets in await Task.WhenAll(Users.Distinct().Select(u => Context.Grains.GetGrain<IUserGrain>(u).Sockets())))
            foreach (var socket in sockets.Where(s => s.Namespace == Namespace))
            {
                targets.Add(socket.SocketId);
                userGateways.Add(socket.GatewayId);
            }
        return ([.. targets], userGateways);
    }

    /// <summary>The gateways holding the rooms' members (all of the namespace's when no room or user is named).</summary>
    private async Task<HashSet<string>> Gateways(HashSet<string> userGateways)
    {
        if (Rooms.Length == 0 && Users.Length == 0)
            return [.. await Context.Grains.GetGrain<INamespaceGrain>(Namespace).Gateways()];
        var gateways = userGateways;
        foreach (var roomGateways in await Task.WhenAll(Rooms.Distinct().Select(r => Context.Grains.GetGrain<IRoomGrain>(RoomKey.Of(Namespace, r)).Gateways())))
            gateways.UnionWith(roomGateways);
        return gateways;
    }

    /// <summary>Socket ids matching this operator, for the grain-side utilities (fetch, count, join, leave, disconnect).</summary>
    private async Task<HashSet<string>> MemberIds()
    {
        var members = new HashSet<string>();
        if (Rooms.Length == 0 && Users.Length == 0)
            members.UnionWith(await Context.Grains.GetGrain<INamespaceGrain>(Namespace).Members());
        foreach (var m in await Task.WhenAll(Rooms.Distinct().Select(RoomMembers)))
            members.UnionWith(m);
        foreach (var sockets in await Task.WhenAll(Users.Distinct().Select(u => Context.Grains.GetGrain<IUserGrain>(u).Sockets())))
            members.UnionWith(sockets.Where(s => s.Namespace == Namespace).Select(s => s.SocketId));
        foreach (var m in await Task.WhenAll(ExceptRooms.Distinct().Select(RoomMembers)))
            members.ExceptWith(m);
        return members;
    }

    private Task<string[]> RoomMembers(string room) => Context.Grains.GetGrain<IRoomGrain>(RoomKey.Of(Namespace, room)).Members();
}

/// <summary>What an operator needs from its host: grains and the gateways' streams.</summary>
internal sealed class EmitterContext(IGrainFactory grains, IServiceProvider services)
{
    private IStreamProvider? _streams;

    public IGrainFactory Grains => grains;

    public bool RecoveryEnabled { get; } = services.GetService<IOptions<ConnectionStateRecoveryOptions>>()?.Value.Enabled ?? false;

    // Back-pressure: a memory stream queue holds 16 384 messages and refuses more (InvalidOperationException).
    // The publisher then waits and tries again, slowing the emitter down to the gateways' pace; a volatile
    // packet is dropped instead, as it is for a socket that cannot take it.
    private static readonly TimeSpan[] Backoff = [.. new[] { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 }.Select(ms => TimeSpan.FromMilliseconds(ms))];

    public async Task Publish(string gatewayId, GatewayBroadcast message)
    {
        var stream = GatewayStream(gatewayId);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await stream.OnNextAsync(message);
                return;
            }
            catch (InvalidOperationException) when (attempt < Backoff.Length)
            {
                if (message.Packet.Volatile) return;
                await Task.Delay(Backoff[attempt]);
            }
        }
    }

    public IAsyncStream<GatewayBroadcast> GatewayStream(string gatewayId)
    {
        _streams ??= services.GetRequiredKeyedService<IStreamProvider>(GatewayStreams.Provider);
        return _streams.GetStream<GatewayBroadcast>(GatewayStreams.For(gatewayId));
    }
}
