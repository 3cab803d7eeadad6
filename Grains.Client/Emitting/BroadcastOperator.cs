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
    public Task EmitAsync(string eventName, params object?[] args) => EmitAsync(eventName, PayloadSerializer.Serialize(args));

    public Task EmitAsync(string eventName, SocketPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return EventRun.Track(Adapter.BroadcastAsync(Options, eventName, payload));
    }

    public Task SendAsync(object? data, bool json = false) => EmitAsync(json ? "json" : "message", data);

    public Task<BroadcastAcks> EmitWithAckAsync(string eventName, params object?[] args) => EmitWithAckAsync(eventName, PayloadSerializer.Serialize(args));

    public async Task<BroadcastAcks> EmitWithAckAsync(string eventName, SocketPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return new BroadcastAcks(await Adapter.BroadcastWithAckAsync(Options, eventName, payload));
    }

    public Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync() => EventRun.Track(Adapter.FetchSocketsAsync(Options));

    public Task<int> CountAsync() => EventRun.Track(Adapter.CountAsync(Options));

    public Task SocketsJoinAsync(params string[] rooms) => EventRun.Track(Adapter.AddSocketsAsync(Options, rooms));

    public Task SocketsLeaveAsync(params string[] rooms) => EventRun.Track(Adapter.DelSocketsAsync(Options, rooms));

    public Task DisconnectSocketsAsync(bool closeConnection = false) => EventRun.Track(Adapter.DisconnectSocketsAsync(Options, closeConnection));
}
