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
        socket.MarkDisconnected();
        DeactivateOnIdle();
        await registry.Disconnect(socket, reason, ServiceProvider);
        await socket.LeaveAllRooms();
        await GrainFactory.GetGrain<INamespaceGrain>(socket.Namespace).Remove(socket.Id);
        if (_registeredUser is not null) await GrainFactory.GetGrain<IUserGrain>(_registeredUser).Remove(socket.Id);
    }

    public async Task Restore(SocketRestoreRequest request)
    {
        var socket = _socket;
        if (socket is null)
        {
            // A new activation (the old one was on a silo that died): the gateway's copy of the state.
            socket = new SocketContext(this.GetPrimaryKeyString(), request.Connect, GrainFactory, ServiceProvider);
            socket.RestoreRooms(request.Rooms);
            socket.UserId = request.UserId;
            _socket = socket;
            _registeredUser = null;
            DelayDeactivation(TimeSpan.MaxValue);
            logger.LogInformation("Socket {Socket} ({Namespace}) restored from gateway {Gateway}", socket.Id, socket.Namespace, socket.GatewayId);
        }
        // Idempotent adds: the namespace, room and user grains may be new activations too.
        await GrainFactory.GetGrain<INamespaceGrain>(socket.Namespace).Add(socket.Id, socket.GatewayId);
        await socket.RejoinAllRooms();
        if (_registeredUser is not null)
            await GrainFactory.GetGrain<IUserGrain>(_registeredUser).Add(new UserSocket(socket.Id, socket.Namespace, socket.GatewayId));
        else
            await SyncUser(socket, notifyGateway: false);
    }

    public async Task GatewayLost(string gatewayId)
    {
        if (_socket is not { } socket || socket.GatewayId != gatewayId) return;
        logger.LogInformation("Socket {Socket} ({Namespace}) dropped: gateway {Gateway} is gone", socket.Id, socket.Namespace, gatewayId);
        await Disconnected("transport close");
    }

    public Task<string?> Gateway() => Task.FromResult(_socket?.GatewayId);

    public Task<RemoteSocket?> Describe()
    {
        if (_socket is null) DeactivateOnIdle(); // asked about a socket id that is not connected here
        return Task.FromResult(_socket?.Describe());
    }

    public Task JoinRooms(string[] rooms) => _socket?.Join(rooms) ?? Task.CompletedTask;

    public Task LeaveRooms(string[] rooms) => _socket?.Leave(rooms) ?? Task.CompletedTask;

    public Task Disconnect(bool closeConnection) => _socket?.Disconnect(closeConnection) ?? Task.CompletedTask;

    /// <summary>A handler may set <see cref="ISocket.UserId"/>; the user grains follow.</summary>
    private async Task SyncUser(SocketContext socket, bool notifyGateway = true)
    {
        if (socket.UserId == _registeredUser) return;
        if (_registeredUser is not null) await GrainFactory.GetGrain<IUserGrain>(_registeredUser).Remove(socket.Id);
        _registeredUser = socket.UserId;
        if (_registeredUser is not null)
            await GrainFactory.GetGrain<IUserGrain>(_registeredUser).Add(new UserSocket(socket.Id, socket.Namespace, socket.GatewayId));
        // The gateway keeps a copy, to restore this socket should this activation be lost with its silo.
        if (notifyGateway) await socket.Gateway.UserChanged(socket.Id, _registeredUser);
    }
}
