using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansSocket.Grains.Adapters;
using OrleansSocket.Grains.Emitting;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Grains.Sockets;

/// <summary>
/// The <see cref="ISocket"/> handlers see, living inside the socket grain. Emits go straight to
/// the gateway that holds the connection, awaited so that packets keep their order.
/// </summary>
internal sealed class SocketContext : ISocket
{
    private readonly SocketConnectRequest _request;
    private readonly SocketIOAdapter _adapter;
    private readonly SocketIOEmitter _server;
    private readonly HashSet<string> _rooms;
    private Dictionary<string, object?>? _session;
    private readonly bool _recovery;
    private bool _disconnected;
    private byte[]? _reportedData; // the session as the activity last saw it
    private System.Security.Claims.ClaimsPrincipal? _user;

    public SocketContext(string id, SocketConnectRequest request, IGrainFactory grains, IServiceProvider services, bool recovery)
    {
        Id = id;
        _request = request;
        _adapter = services.GetService<SocketIOAdapter>() ?? new OrleansAdapter(grains, services);
        // A socket's local operations reach the sockets of the gateway holding it, not of whatever process runs the grain.
        _server = new SocketIOEmitter(_adapter, request.GatewayId);
        _rooms = [id];
        _recovery = recovery;
        Transport = request.Handshake.Transport;
        Activity = services.GetService<ISocketActivity>() is { IsEnabled: true } activity ? activity : null;
    }

    /// <summary>A recovered connection: the earlier session's data, user and rooms, on the new connection.</summary>
    public SocketContext(SocketContext previous, SocketConnectRequest request, IGrainFactory grains, IServiceProvider services)
        : this(previous.Id, request, grains, services, previous._recovery)
    {
        Recovered = true;
        UserId = previous.UserId;
        if (previous._session is { } session) _session = new Dictionary<string, object?>(session);
        _rooms.UnionWith(previous._rooms);
    }

    public string Id { get; }
    public string Namespace => _request.Namespace;
    public HandshakeInfo Handshake => _request.Handshake;
    // Built once per activation, so what a handler adds to it lives as long as the socket, as with HttpContext.User.
    public System.Security.Claims.ClaimsPrincipal User => _user ??= Handshake.ToClaimsPrincipal();
    // Made on first use: most sockets never store anything, and an idle one would hold the empty dictionary.
    public IDictionary<string, object?> Session => _session ??= new Dictionary<string, object?>();
    public string? UserId { get; set; }
    public bool Recovered { get; }
    public string Transport { get; internal set; }
    public IReadOnlyCollection<string> Rooms => _rooms;
    public ISocketIO Server => _server;
    public IBroadcast Broadcast => _server.Operator(Namespace).Except(Id);

    /// <summary>Where this socket's cross-socket operations and kept packets go.</summary>
    internal SocketIOAdapter Adapter => _adapter;

    internal string GatewayId => _request.GatewayId;
    /// <summary>Who is told what happens to the socket (the Admin UI's development mode); null: nobody.</summary>
    internal ISocketActivity? Activity { get; }
    internal IGatewayObserver Gateway => _request.Gateway;
    internal string? ConnectionId => _request.ConnectionId;

    /// <summary>Sends the answer to the client's event <paramref name="ackId"/> after the event's call returned: written here when
    /// the socket's gateway runs in this process, else through the gateway.</summary>
    internal Task AckLateAsync(long ackId, SocketPayload payload) =>
        Here?.AckHere(ConnectionId, ackId, payload) == true ? Task.CompletedTask : Gateway.Ack(Id, ackId, payload);

    /// <summary>
    /// The answer to the client's event <paramref name="ackId"/>, which its call is about to return: written here, before the
    /// call's response, when the socket's gateway runs in this process (the call then returns none); else returned.
    /// </summary>
    internal SocketPayload? AckHereOrReturn(long? ackId, SocketPayload? answer) =>
        answer is not null && ackId is { } id && Here?.AckHere(ConnectionId, id, answer) == true ? null : answer;

    /// <summary>Hands the gateway's socket in this process the grain's activation (<see cref="ILocalSocketGrain"/>), when it is on this
    /// socket's connection.</summary>
    internal void AttachHere(ILocalSocketGrain grain)
    {
        if (ConnectionId is { } connection) Here?.AttachLocalGrain(connection, grain);
    }

    /// <summary>The socket's gateway runs in this process (its node is attached to this process's adapter).</summary>
    internal bool GatewayHere => _adapter.IsHere(GatewayId);

    /// <summary>The gateway's socket of this id when the gateway's node is attached in this process; null otherwise.</summary>
    private IAdapterSocket? Here => _adapter.FindHere(GatewayId, Id);

    internal void MarkDisconnected() => _disconnected = true;

    public IBroadcast To(params string[] rooms) => _server.Operator(Namespace).To(rooms).Except(Id);

    public Task JoinAsync(params string[] rooms) => EventRun.Track(JoinRooms(rooms));

    private async Task JoinRooms(string[] rooms)
    {
        var added = rooms.Where(_rooms.Add).ToArray();
        if (added.Length == 0 || _disconnected) return;
        await _adapter.AddAllAsync(Member, added);
        Activity?.Joined(Namespace, Id, added);
    }

    public Task LeaveAsync(params string[] rooms) => EventRun.Track(LeaveRooms(rooms));

    private async Task LeaveRooms(string[] rooms)
    {
        var removed = rooms.Where(r => r != Id && _rooms.Remove(r)).ToArray();
        if (removed.Length == 0 || _disconnected) return;
        await _adapter.DelAsync(Member, removed);
        Activity?.Left(Namespace, Id, removed);
    }

    /// <summary>This socket as the adapter's membership methods name it, with its gateway's index to keep in step.</summary>
    internal AdapterMember Member => new(Id, Namespace, GatewayId, Gateway);

    /// <summary>Takes the gateway's copy of the rooms (restoring the socket in a new activation).</summary>
    internal void RestoreRooms(IEnumerable<string> rooms) => _rooms.UnionWith(rooms);

    /// <summary>Adds the socket back to its rooms' records (after a silo failure some of them may be new); the gateway
    /// holds them already.</summary>
    internal Task RejoinAllRooms() => _adapter.AddAllAsync(Member with { Gateway = null }, _rooms);

    /// <summary>A recovered socket is back in its rooms: the gateway's index first, then the cluster's records.</summary>
    internal Task RejoinRooms() => _adapter.AddAllAsync(Member, _rooms);

    /// <summary>The socket left: it is dropped from its rooms, its namespace and <paramref name="userId"/>'s sockets
    /// (the gateway already dropped it from its index).</summary>
    internal Task RemoveAsync(string? userId) => _adapter.RemoveSocketAsync(Member, _rooms, userId);

    public Task EmitAsync(string eventName, params object?[] args) => EmitAsync(eventName, PayloadSerializer.Serialize(args));

    public Task EmitAsync(string eventName, SocketPayload payload) => EventRun.Track(EmitPayload(eventName, payload));

    private async Task EmitPayload(string eventName, SocketPayload payload)
    {
        if (_disconnected) return;
        var packet = new OutboundPacket(Namespace, eventName, payload);
        // With recovery on, Node routes even a socket's own emits through the adapter, to give them an offset.
        if (_recovery) packet = await _adapter.PersistPacketAsync(Namespace, [Id], [], packet);
        // Written here when the socket's gateway runs in this process (then also before an answer the grain writes here).
        if (Here?.SendHere(ConnectionId, packet) != true) await Gateway.Send(Id, packet);
        Activity?.EventSent(Namespace, Id, eventName, payload);
    }

    public Task<ClientAck> EmitWithAckAsync(string eventName, TimeSpan timeout, params object?[] args) =>
        EmitWithAckAsync(eventName, timeout, PayloadSerializer.Serialize(args));

    public async Task<ClientAck> EmitWithAckAsync(string eventName, TimeSpan timeout, SocketPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (_disconnected) throw new InvalidOperationException($"Socket {Id} is disconnected.");
        // The write is the socket's own operation (the handler's run waits for it, so the packet goes out before anything
        // the socket sends after the handler yields, as in Node); the wait for the client's answer is not.
        var ackId = await EventRun.Track(Gateway.SendExpectingAck(Id, new OutboundPacket(Namespace, eventName, payload), timeout));
        // Sent now, answered later (or never): as Node's outgoing listeners, it is reported as it goes.
        Activity?.EventSent(Namespace, Id, eventName, payload);
        return new ClientAck(await Gateway.AckOf(Id, ackId));
    }

    public Task SendAsync(object? data, bool json = false) => EmitAsync(json ? "json" : "message", data);

    public Task DisconnectAsync(bool closeConnection = false)
    {
        if (_disconnected) return Task.CompletedTask;
        return EventRun.Track(Gateway.Disconnect(Id, closeConnection));
    }

    /// <summary>Tells the activity the socket was accepted, with its session as it is now.</summary>
    internal void ReportConnected()
    {
        if (Activity is null) return;
        var described = Describe();
        _reportedData = described.DataJson;
        Activity.Connected(described);
    }

    /// <summary>
    /// Tells the activity of a change a handler made to <see cref="Session"/> since it last saw it (Node's admin UI sends
    /// <c>socket_updated</c> when <c>socket.data</c> is written). Called when a handler finished: a dictionary of any
    /// values cannot say when it is written, so the session is compared as JSON.
    /// </summary>
    internal void ReportDataChange()
    {
        if (Activity is null || _reportedData is null) return;
        var data = SessionJson();
        if (data.AsSpan().SequenceEqual(_reportedData)) return;
        _reportedData = data;
        Activity.DataChanged(Namespace, Id, data);
    }

    internal RemoteSocket Describe() => new(Id, Namespace, [.. _rooms], Handshake, SessionJson(), UserId, GatewayId) { Transport = Transport };

    // Session values are arbitrary objects: what System.Text.Json cannot write is left out.
    private byte[] SessionJson()
    {
        var data = new Dictionary<string, object?>();
        foreach (var (key, value) in _session ?? [])
        {
            try
            {
                JsonSerializer.SerializeToUtf8Bytes(value, PayloadSerializer.Options);
                data[key] = value;
            }
            catch (Exception e) when (e is NotSupportedException or InvalidOperationException or JsonException)
            {
            }
        }
        return JsonSerializer.SerializeToUtf8Bytes(data, PayloadSerializer.Options);
    }

}
