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

    public Task<IReadOnlyCollection<string>> RoomsAsync(string socketId) => EventRun.Track(_adapter.SocketRoomsAsync(socketId));

    public Task CloseRoomAsync(string room, string ns = "/") => EventRun.Track(_adapter.CloseRoomAsync(Normalize(ns), room));

    /// <summary>The namespaces the cluster's gateways have sockets in (<see cref="SocketIOAdapter.NamespacesAsync"/>).</summary>
    internal Task<IReadOnlyCollection<string>> NamespacesAsync() => _adapter.NamespacesAsync();

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
    public Task EmitAsync(string eventName, params object?[] args) => _main.EmitAsync(eventName, args);
    public Task EmitAsync(string eventName, SocketPayload payload) => _main.EmitAsync(eventName, payload);
    public Task SendAsync(object? data, bool json = false) => _main.SendAsync(data, json);
    public Task<BroadcastAcks> EmitWithAckAsync(string eventName, params object?[] args) => _main.EmitWithAckAsync(eventName, args);
    public Task<BroadcastAcks> EmitWithAckAsync(string eventName, SocketPayload payload) => _main.EmitWithAckAsync(eventName, payload);
    public Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync() => _main.FetchSocketsAsync();
    public Task<int> CountAsync() => _main.CountAsync();
    public Task SocketsJoinAsync(params string[] rooms) => _main.SocketsJoinAsync(rooms);
    public Task SocketsLeaveAsync(params string[] rooms) => _main.SocketsLeaveAsync(rooms);
    public Task DisconnectSocketsAsync(bool closeConnection = false) => _main.DisconnectSocketsAsync(closeConnection);
}
