using Microsoft.Extensions.Logging;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Grains.Sockets;

/// <summary>
/// One namespace socket. Holds what Node keeps on <c>socket</c> (handshake, session data, rooms,
/// user id) and runs the application's handlers for it, one event at a time.
/// </summary>
/// <remarks>
/// Kept active while the client is connected (idle collection would drop the session data and the
/// gateway reference); the gateway tells it when the client leaves, and then it deactivates.
/// </remarks>
internal sealed class SocketGrain(SocketIOHandlerRegistry registry, ILogger<SocketGrain> logger) : Grain, ISocketGrain
{
    private SocketContext? _socket;
    private string? _registeredUser;
    private bool _leaving; // Disconnected is running: deactivation waits until it is done

    public async Task<ConnectResult> Connect(SocketConnectRequest request)
    {
        var socket = new SocketContext(this.GetPrimaryKeyString(), request, GrainFactory, ServiceProvider);
        _socket = socket;
        var result = await registry.Connect(socket, ServiceProvider);
        if (!result.Accepted)
        {
            _socket = null;
            await socket.LeaveAllRooms();
            DeactivateOnIdle();
            return result;
        }
        DelayDeactivation(TimeSpan.MaxValue);
        await GrainFactory.GetGrain<INamespaceGrain>(request.Namespace).Add(socket.Id, request.GatewayId);
        await SyncUser(socket);
        return result;
    }

    public async Task<SocketPayload?> HandleEvent(ClientEvent clientEvent)
    {
        if (_socket is not { } socket)
        {
            // The gateway only forwards events of connected sockets; after a silo failure the
            // activation is new and knows nothing of the socket, so there is no handler to run.
            logger.LogDebug("Event {Event} for unknown socket {Socket} dropped", clientEvent.Event, this.GetPrimaryKeyString());
            return null;
        }
        var ack = await registry.Dispatch(socket, clientEvent, ServiceProvider);
        await SyncUser(socket);
        return ack;
    }

    public async Task Disconnected(string reason)
    {
        if (_socket is not { } socket) return;
        _socket = null;
        _leaving = true;
        socket.MarkDisconnected();
        try
        {
            await registry.Disconnect(socket, reason, ServiceProvider);
            await socket.LeaveAllRooms();
            await GrainFactory.GetGrain<INamespaceGrain>(socket.Namespace).Remove(socket.Id);
            if (_registeredUser is not null) await GrainFactory.GetGrain<IUserGrain>(_registeredUser).Remove(socket.Id);
        }
        finally
        {
            // Only now: a deactivating grain takes no more calls, not even interleaving ones, so a disconnect
            // handler that reaches this socket (Server.FetchSockets(), Rooms(id)) or another socket that is
            // leaving too would wait for Orleans' response timeout.
            DeactivateOnIdle();
        }
    }

    public Task<string?> Gateway() => Task.FromResult(_socket?.GatewayId);

    public Task<RemoteSocket?> Describe()
    {
        if (_socket is null && !_leaving) DeactivateOnIdle(); // asked about a socket id that is not connected here
        return Task.FromResult(_socket?.Describe());
    }

    public Task JoinRooms(string[] rooms) => _socket?.Join(rooms) ?? Task.CompletedTask;

    public Task LeaveRooms(string[] rooms) => _socket?.Leave(rooms) ?? Task.CompletedTask;

    public Task Disconnect(bool closeConnection) => _socket?.Disconnect(closeConnection) ?? Task.CompletedTask;

    /// <summary>A handler may set <see cref="ISocket.UserId"/>; the user grains follow.</summary>
    private async Task SyncUser(SocketContext socket)
    {
        if (socket.UserId == _registeredUser) return;
        if (_registeredUser is not null) await GrainFactory.GetGrain<IUserGrain>(_registeredUser).Remove(socket.Id);
        _registeredUser = socket.UserId;
        if (_registeredUser is not null)
            await GrainFactory.GetGrain<IUserGrain>(_registeredUser).Add(new UserSocket(socket.Id, socket.Namespace, socket.GatewayId));
    }
}
