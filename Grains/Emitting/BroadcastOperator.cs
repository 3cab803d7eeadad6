using OrleansSocket.Grains.Adapters;
using OrleansSocket.Grains.Handlers;
using OrleansSocket.Grains.Sockets;

namespace OrleansSocket.Grains.Emitting;

/// <summary>
/// <see cref="IBroadcast"/>: collects <see cref="BroadcastOptions"/> and hands every operation to the
/// <see cref="SocketIOAdapter"/>, which reaches the sockets.
/// </summary>
internal sealed record BroadcastOperator(SocketIOAdapter Adapter, BroadcastOptions Options) : IBroadcast
{
    public IBroadcast To(params string[] rooms) => this with { Options = Options with { Rooms = Options.Rooms.AddRange(rooms) } };
    public IBroadcast In(params string[] rooms) => To(rooms);
    public IBroadcast Except(params string[] rooms) => this with { Options = Options with { Except = Options.Except.AddRange(rooms) } };
    public IBroadcast ToUser(params string[] userIds) => this with { Options = Options with { Users = Options.Users.AddRange(userIds) } };
    public IBroadcast Volatile => this with { Options = Options with { Volatile = true } };
    public IBroadcast Local => this with { Options = Options with { Local = true } };
    public IBroadcast Timeout(TimeSpan timeout) => this with { Options = Options with { AckTimeout = timeout } };

    // The socket operations (all but EmitWithAck, which waits for clients) count as a running handler's own work: see EventRun.
    public Task Emit(string eventName, params object?[] args) => Emit(eventName, PayloadSerializer.Serialize(args));

    public Task Emit(string eventName, SocketPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return EventRun.Track(Adapter.BroadcastAsync(Options, eventName, payload));
    }

    public Task Send(object? data, bool json = false) => Emit(json ? "json" : "message", data);

    public Task<BroadcastAcks> EmitWithAck(string eventName, params object?[] args) => EmitWithAck(eventName, PayloadSerializer.Serialize(args));

    public async Task<BroadcastAcks> EmitWithAck(string eventName, SocketPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return new BroadcastAcks(await Adapter.BroadcastWithAckAsync(Options, eventName, payload));
    }

    public Task<IReadOnlyList<RemoteSocket>> FetchSockets() => EventRun.Track(Adapter.FetchSocketsAsync(Options));

    public Task<int> Count() => EventRun.Track(Adapter.CountAsync(Options));

    public Task SocketsJoin(params string[] rooms) => EventRun.Track(Adapter.AddSocketsAsync(Options, rooms));

    public Task SocketsLeave(params string[] rooms) => EventRun.Track(Adapter.DelSocketsAsync(Options, rooms));

    public Task DisconnectSockets(bool closeConnection = false) => EventRun.Track(Adapter.DisconnectSocketsAsync(Options, closeConnection));
}
