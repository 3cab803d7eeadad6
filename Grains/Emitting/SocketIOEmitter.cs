using OrleansSocket.Grains.Adapters;
using OrleansSocket.Grains.Sockets;

namespace OrleansSocket.Grains.Emitting;

/// <summary>
/// <see cref="ISocketIO"/> for any process that reaches the cluster: a silo (grains, hosted services)
/// or an Orleans client (a gateway, a worker that only emits).
/// </summary>
internal sealed class SocketIOEmitter : ISocketIO
{
    private readonly SocketIOAdapter _adapter;
    private readonly string? _node;
    private readonly BroadcastOperator _main;

    /// <param name="adapter">Where every operation goes.</param>
    /// <param name="node">The node <see cref="IBroadcast.Local"/> restricts to (<see cref="BroadcastOptions.Node"/>);
    /// null: the adapter's own.</param>
    public SocketIOEmitter(SocketIOAdapter adapter, string? node = null)
    {
        _adapter = adapter;
        _node = node;
        _main = Operator("/");
    }

    public IBroadcast Of(string ns) => Operator(Normalize(ns));

    public Task<IReadOnlyCollection<string>> Rooms(string socketId) => EventRun.Track(_adapter.SocketRoomsAsync(socketId));

    public Task CloseRoom(string room, string ns = "/") => EventRun.Track(_adapter.CloseRoomAsync(Normalize(ns), room));

    internal BroadcastOperator Operator(string ns) => new(_adapter, new BroadcastOptions(ns) { Node = _node });

    /// <summary>As Node's <c>io.of("chat")</c> and handler registration: a missing leading <c>/</c> is added.</summary>
    private static string Normalize(string ns)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        return ns[0] == '/' ? ns : "/" + ns;
    }

    public IBroadcast To(params string[] rooms) => _main.To(rooms);
    public IBroadcast In(params string[] rooms) => _main.In(rooms);
    public IBroadcast Except(params string[] rooms) => _main.Except(rooms);
    public IBroadcast ToUser(params string[] userIds) => _main.ToUser(userIds);
    public IBroadcast Volatile => _main.Volatile;
    public IBroadcast Local => _main.Local;
    public IBroadcast Timeout(TimeSpan timeout) => _main.Timeout(timeout);
    public Task Emit(string eventName, params object?[] args) => _main.Emit(eventName, args);
    public Task Emit(string eventName, SocketPayload payload) => _main.Emit(eventName, payload);
    public Task Send(object? data, bool json = false) => _main.Send(data, json);
    public Task<BroadcastAcks> EmitWithAck(string eventName, params object?[] args) => _main.EmitWithAck(eventName, args);
    public Task<BroadcastAcks> EmitWithAck(string eventName, SocketPayload payload) => _main.EmitWithAck(eventName, payload);
    public Task<IReadOnlyList<RemoteSocket>> FetchSockets() => _main.FetchSockets();
    public Task<int> Count() => _main.Count();
    public Task SocketsJoin(params string[] rooms) => _main.SocketsJoin(rooms);
    public Task SocketsLeave(params string[] rooms) => _main.SocketsLeave(rooms);
    public Task DisconnectSockets(bool closeConnection = false) => _main.DisconnectSockets(closeConnection);
}
