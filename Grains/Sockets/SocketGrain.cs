using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSocket.Grains.Adapters;
using OrleansSocket.Grains.Diagnostics;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Grains.Sockets;

/// <summary>
/// One namespace socket. Holds what Node keeps on <c>socket</c> (handshake, session data, rooms,
/// user id) and runs the application's handlers for it: started one at a time in the order the events came,
/// each until it finishes or waits on something outside the socket (see <see cref="EventRun"/>).
/// </summary>
/// <remarks>
/// Kept active while the client is connected (idle collection would drop the session data and the
/// gateway reference); the gateway tells it when the client leaves, and then it deactivates — or,
/// with connection state recovery, it keeps the session for the recovery window.
/// Placed on the silo that activates it (<see cref="Orleans.Placement.PreferLocalPlacementAttribute"/>): where a gateway co-hosts a
/// silo, that is the gateway holding the connection, so a socket's events and their answers stay in its process;
/// from a thin gateway (an Orleans client) the placement falls back to any silo.
/// </remarks>
[Orleans.Placement.PreferLocalPlacement]
internal sealed class SocketGrain(
    SocketIOHandlerRegistry registry,
    IOptions<ConnectionStateRecoveryOptions> recoveryOptions,
    ILogger<SocketGrain> logger) : Grain, ISocketGrain
{
    private ConnectionStateRecoveryOptions Recovery => recoveryOptions.Value;
    private SocketIOMeters? Meters => field ??= (SocketIOMeters?)ServiceProvider.GetService(typeof(SocketIOMeters));
    private TimeProvider Time => field ??= (TimeProvider?)ServiceProvider.GetService(typeof(TimeProvider)) ?? TimeProvider.System;
    private SocketContext? _socket;
    private string? _registeredUser;
    private string? _pid;
    // A session that left for a recoverable reason, kept until the recovery window ends.
    private SocketContext? _parked;
    private DateTimeOffset _parkedUntil;
    private bool _leaving; // Disconnected is running: deactivation waits until it is done
    // What the gateway's socket in this process posts events to, without grain calls; closed when this activation ends.
    private LocalSocketGrain? _local;
    // Where this activation is listed for a thin gateway's link (null when its gateway is in this process).
    private SocketGrainsHere? _here;
    // Made once: a detached handler's failure goes to the error handlers on the turn (TryRunDetached).
    private Action<ISocket, Exception, string>? _reportOnTurn;

    public async Task<ConnectResult> Connect(SocketConnectRequest request)
    {
        var socket = new SocketContext(this.GetPrimaryKeyString(), request, GrainFactory, ServiceProvider, Recovery.Enabled);
        _socket = socket;
        var result = await HandlerTelemetry.Run(Meters, "connect", socket.Namespace, socket.Id, null, () => registry.Connect(socket, ServiceProvider));
        if (!result.Accepted)
        {
            _socket = null;
            await socket.RemoveAsync(null);
            DeactivateOnIdle();
            return result;
        }
        await Joined(socket);
        socket.ReportConnected();
        if (socket.GatewayHere) result = result with { GatewayHere = true };
        if (!Recovery.Enabled) return result;
        // The private id names this socket (so any gateway finds the grain) plus a secret only the client knows.
        _pid = RecoveryTokens.NewPid(socket.Id);
        return result with { Pid = _pid };
    }

    public async Task<ConnectResult> Recover(SocketConnectRequest request)
    {
        var id = this.GetPrimaryKeyString();
        if (_socket is null && _parked is null)
        {
            // Nothing to recover here (unknown or long gone): no activation is kept for the id a client named.
            DeactivateOnIdle();
            return NotRecoverable(id, "no session with this id");
        }
        if (!RecoveryTokens.PidMatches(request.RecoveryPid, _pid)) return NotRecoverable(id, "wrong private id");
        if (request.RecoveryOffset is not { } offset) return NotRecoverable(id, "no offset");
        if (_socket is { } current)
        {
            // The old connection still counts as connected: its gateway died and its lease has not run out yet, or
            // its transport is half open. The pid is the session's credential (as in Node), so this connection takes
            // the session over now; the old one is told to close if its gateway is alive.
            SocketLog.TakeOver(logger, id, current.GatewayId, request.GatewayId);
            if (current.ConnectionId is { } old) current.Gateway.Supersede(id, old).Ignore();
            await Leave(current, DisconnectReasons.TransportClose);
        }
        if (_parked is not { } previous) return NotRecoverable(id, "the session was not kept");
        if (Time.GetUtcNow() > _parkedUntil) return NotRecoverable(id, "the recovery window has passed");
        var socket = new SocketContext(previous, request, GrainFactory, ServiceProvider);
        // Back in the rooms first, then read what was missed: a packet logged after the read reaches the
        // socket live; one logged before may come both ways, and the gateway drops the live copy by offset.
        await socket.RejoinRooms();
        var missed = await socket.Adapter.MissedPacketsAsync(previous.Namespace, offset, [.. previous.Rooms]);
        if (missed is null)
        {
            await socket.RemoveAsync(null);
            return NotRecoverable(id, "the offset is unknown (older than the log keeps, or from before a restart)");
        }
        _parked = null;
        _socket = socket;
        var result = await registry.Connect(socket, ServiceProvider, skipMiddleware: Recovery.SkipMiddlewares);
        if (!result.Accepted)
        {
            _socket = null;
            await socket.RemoveAsync(null);
            DeactivateOnIdle();
            return result;
        }
        await Joined(socket);
        socket.ReportConnected();
        SocketLog.Recovered(logger, socket.Id, missed.Length);
        return result with { Pid = _pid, Recovered = true, Missed = missed, GatewayHere = socket.GatewayHere };
    }

    public async Task<SocketPayload?> HandleEvent(ClientEvent clientEvent)
    {
        if (_socket is not { } socket)
        {
            // The gateway only forwards events of connected sockets; after a silo failure the
            // activation is new and knows nothing of the socket, so there is no handler to run.
            SocketLog.UnknownSocketEvent(logger, clientEvent.Event, this.GetPrimaryKeyString());
            return null;
        }
        socket.Activity?.EventReceived(socket.Namespace, socket.Id, clientEvent.Event, clientEvent.Payload);
        var handling = registry.Handling(socket, clientEvent.Event);
        // Only a handler that takes an IAck needs the callback that carries its answer, early or late.
        var ack = handling.TakesAck ? new AckCallback(clientEvent.WantsAck) : null;
        // Only a dispatch that may still run when it returns can have the socket's operations to settle: a handler that
        // cannot wait needs no run (its operations count for none, as nothing would read the count).
        var run = handling.MayWait ? new EventRun() : null;
        run?.Enter();
        var handler = HandlerTelemetry.Run(Meters, "event", socket.Namespace, socket.Id, clientEvent.Event,
            (Registry: registry, Socket: socket, Event: clientEvent, Services: ServiceProvider, Ack: ack),
            static s => s.Registry.Dispatch(s.Socket, s.Event, s.Services, s.Ack));
        // Most handlers are done when Dispatch returns: nothing to settle.
        var finished = handler.IsCompleted || (run is not null && await run.SettleAsync(handler));
        // From here on a late answer goes to the gateway by its ack id (also one given through IAck by a later handler).
        var early = ack?.Detach(LateAck(socket, clientEvent));
        if (!finished)
        {
            // The handler waits on something outside the socket (a client's ack, a timer, I/O): it goes on, and the
            // grain takes the next event meanwhile (Node's interleaving at awaits); its ack follows when it is done.
            _ = FinishLaterAsync(socket, clientEvent, handler);
            socket.ReportDataChange();
            await SyncUser(socket);
            return socket.AckHereOrReturn(clientEvent.AckId, early);
        }
        var answer = await handler;
        socket.ReportDataChange();
        if (socket.UserId != _registeredUser) await SyncUser(socket);
        return socket.AckHereOrReturn(clientEvent.AckId, answer ?? early);
    }

    /// <summary>
    /// Runs <paramref name="clientEvent"/>'s handler on the calling thread, off this activation's turn, when it needs nothing
    /// of the socket (<see cref="SocketIOHandlerRegistry.DetachedHandler"/>): what <see cref="HandleEvent"/> would do for it,
    /// the answer returned rather than written. Null when the event must run on the turn: another kind of handler, the
    /// admin UI watching (it records each event on the turn), or no socket connected here.
    /// </summary>
    /// <remarks>
    /// Such a handler reads and writes nothing the turn guards, so the work item (a thread-pool hand-off per event) buys it
    /// nothing. <c>_socket</c> is read off the turn: a reference the turn writes, of which only what never changes is read
    /// (id, namespace, whether the admin UI watches). A failure's error handlers run on the turn, as they may use the socket.
    /// </remarks>
    internal Task<SocketPayload?>? TryRunDetached(ClientEvent clientEvent)
    {
        if (Volatile.Read(ref _socket) is not { Activity: null } socket ||
            registry.DetachedHandler(socket.Namespace, clientEvent.Event) is not { } handler)
            return null;
        return HandlerTelemetry.Run(Meters, "event", socket.Namespace, socket.Id, clientEvent.Event,
            (Registry: registry, Handler: handler, Socket: socket, Event: clientEvent, Services: ServiceProvider,
                Report: _reportOnTurn ??= ReportOnTurn),
            static s => s.Registry.DispatchDetached(s.Handler, s.Socket, s.Event, s.Services, s.Report));
    }

    /// <summary>A detached handler's failure, reported to the error handlers on this activation's turn.</summary>
    private void ReportOnTurn(ISocket socket, Exception error, string eventName) =>
        GrainContext.Scheduler.QueueAction(static s =>
        {
            var (registry, socket, error, eventName) = ((SocketIOHandlerRegistry, ISocket, Exception, string))s;
            _ = registry.ReportErrorAsync(socket, error, eventName);
        }, (registry, socket, error, eventName));

    public async Task<EventBatchResult> HandleEvents(ClientEvent[] clientEvents)
    {
        var acks = new SocketPayload?[clientEvents.Length];
        Exception?[]? errors = null;
        for (var i = 0; i < clientEvents.Length; i++)
        {
            try
            {
                acks[i] = await HandleEvent(clientEvents[i]);
            }
            catch (Exception e)
            {
                // As a call of its own would: this event fails, the next ones still run.
                (errors ??= new Exception?[clientEvents.Length])[i] = e;
            }
        }
        return new EventBatchResult(acks, errors);
    }

    public async Task PostEvent(ClientEvent clientEvent, EventReceipt receipt)
    {
        await RunPosted(clientEvent, receipt);
        PostedDone(receipt);
    }

    public async Task PostEvents(ClientEvent[] clientEvents, EventReceipt receipt)
    {
        foreach (var clientEvent in clientEvents) await RunPosted(clientEvent, receipt);
        PostedDone(receipt);
    }

    /// <summary>One event handed over one-way: as <see cref="HandleEvent"/>, and what its call would return or throw is
    /// dealt with here, as the gateway deals with a call's outcome.</summary>
    private async Task RunPosted(ClientEvent clientEvent, EventReceipt receipt)
    {
        try
        {
            // An answer returned rather than written: the gateway's socket was not found here (it left, or this activation
            // runs elsewhere). The gateway would write it only to the connection that sent the event, if still connected.
            if (await HandleEvent(clientEvent) is { } answer && clientEvent.AckId is { } ackId &&
                _socket is { } socket && socket.ConnectionId == receipt.ConnectionId)
                await socket.AckLateAsync(ackId, answer);
        }
        catch (Exception e)
        {
            SocketLog.PostedEventFailed(logger, e, _socket?.Id ?? this.GetPrimaryKeyString(), clientEvent.Event);
        }
    }

    /// <summary>
    /// Tells the gateway's socket that the posted events are done, so it sends the next ones. Found through the adapter of
    /// this process even when this activation is new and knows nothing of the socket; where it is not found (this
    /// activation runs in another process), the gateway's <c>PostedEventTimeout</c> releases the socket.
    /// </summary>
    private void PostedDone(EventReceipt receipt)
    {
        var adapter = _socket?.Adapter ?? (SocketIOAdapter?)ServiceProvider.GetService(typeof(SocketIOAdapter));
        adapter?.FindHere(receipt.GatewayId, _socket?.Id ?? this.GetPrimaryKeyString())?.PostedEventsDone(receipt.ConnectionId, receipt.Sequence);
    }

    /// <summary>Sends a late answer to the gateway by the event's ack id; null when the client asked for none.</summary>
    /// <remarks>Made here, not in <see cref="HandleEvent"/>: a lambda there makes its captures an allocation of every event.</remarks>
    private static Func<SocketPayload, Task>? LateAck(SocketContext socket, ClientEvent clientEvent) =>
        clientEvent.AckId is { } ackId ? payload => socket.AckLateAsync(ackId, payload) : null;

    /// <summary>A handler that outlived its <see cref="HandleEvent"/> call: its answer goes to the gateway by ack id.</summary>
    private async Task FinishLaterAsync(SocketContext socket, ClientEvent clientEvent, Task<SocketPayload?> handler)
    {
        var answer = await handler; // the registry reports the handler's failures and returns null
        try
        {
            if (answer is not null && clientEvent.AckId is { } ackId && _socket == socket)
                await socket.AckLateAsync(ackId, answer);
            if (_socket != socket) return;
            socket.ReportDataChange();
            await SyncUser(socket);
        }
        catch (Exception e)
        {
            SocketLog.LateAckFailed(logger, e, clientEvent.Event, socket.Id);
        }
    }

    public async Task Disconnected(string reason, string? connectionId = null)
    {
        if (_socket is not { } socket) return;
        if (connectionId is not null && socket.ConnectionId is { } current && connectionId != current)
        {
            SocketLog.StaleDisconnect(logger, socket.Id, reason);
            return;
        }
        await Leave(socket, reason);
    }

    /// <summary>The socket left: it leaves its rooms, namespace and user, then the disconnect handler runs; kept for
    /// the recovery window when the reason allows it.</summary>
    private async Task Leave(SocketContext socket, string reason)
    {
        _socket = null;
        _leaving = true;
        socket.MarkDisconnected();
        var park = Recovery.Enabled && ConnectionStateRecoveryOptions.RecoverableReasons.Contains(reason);
        if (park)
        {
            _parked = socket;
            _parkedUntil = Time.GetUtcNow() + Recovery.MaxDisconnectionDuration;
        }
        try
        {
            // Out of its rooms, namespace and user first, then the handler, as Node's socket leaves all its rooms
            // before "disconnect": what the handler tells others (a count, a fetch) no longer includes this socket.
            await socket.RemoveAsync(_registeredUser);
            _registeredUser = null;
            await HandlerTelemetry.Run(Meters, "disconnect", socket.Namespace, socket.Id, null, async () =>
            {
                await registry.Disconnect(socket, reason, ServiceProvider);
                return true;
            });
            socket.Activity?.Disconnected(socket.Namespace, socket.Id, reason);
        }
        finally
        {
            _leaving = false;
            // Only now: a deactivating grain takes no more calls, not even interleaving ones, so a disconnect
            // handler that reaches this socket (Server.FetchSockets(), Rooms(id)) or another socket that is
            // leaving too would wait for Orleans' response timeout. A parked session stays for its window.
            if (park) DelayDeactivation(Recovery.MaxDisconnectionDuration);
            else DeactivateOnIdle();
        }
    }

    public async Task Restore(SocketRestoreRequest request)
    {
        var socket = _socket;
        // This activation saw the socket leave (or be taken over): the gateway's copy is out of date.
        if (socket is null && (_parked is not null || _pid is not null)) return;
        if (socket is null)
        {
            // A new activation (the old one was on a silo that died): the gateway's copy of the state.
            socket = new SocketContext(this.GetPrimaryKeyString(), request.Connect, GrainFactory, ServiceProvider, Recovery.Enabled);
            socket.RestoreRooms(request.Rooms);
            socket.UserId = request.UserId;
            _socket = socket;
            _registeredUser = null;
            DelayDeactivation(TimeSpan.MaxValue);
            SocketLog.Restored(logger, socket.Id, socket.Namespace, socket.GatewayId);
        }
        // Idempotent adds: the namespace, room and user grains may be new activations too.
        await socket.Adapter.AddSocketAsync(socket.Member);
        await socket.RejoinAllRooms();
        if (_registeredUser is not null)
            await socket.Adapter.SetUserAsync(socket.Member, null, _registeredUser);
        else
            await SyncUser(socket, notifyGateway: false);
    }

    public async Task GatewayLost(string gatewayId)
    {
        if (_socket is not { } socket || socket.GatewayId != gatewayId) return;
        SocketLog.GatewayGone(logger, socket.Id, socket.Namespace, gatewayId);
        await Leave(socket, DisconnectReasons.TransportClose);
    }

    public async Task TransportChanged(string transport)
    {
        if (_socket is not { } socket || socket.Transport == transport) return;
        socket.Transport = transport;
        socket.Activity?.TransportChanged(socket.Namespace, socket.Id, transport);
        await registry.Upgrade(socket, transport, ServiceProvider);
        socket.ReportDataChange();
    }

    public Task<RemoteSocket?> Describe()
    {
        if (_socket is null && _parked is null && !_leaving) DeactivateOnIdle(); // asked about a socket id that is not connected here
        return Task.FromResult(_socket?.Describe());
    }

    public Task JoinRooms(string[] rooms) => _socket?.JoinAsync(rooms) ?? Task.CompletedTask;

    public Task LeaveRooms(string[] rooms) => _socket?.LeaveAsync(rooms) ?? Task.CompletedTask;

    public Task Disconnect(bool closeConnection) => _socket?.DisconnectAsync(closeConnection) ?? Task.CompletedTask;

    /// <summary>
    /// Hands this activation to the gateway's socket in this process (<see cref="ILocalSocketGrain"/>), so that its
    /// posted events come without a grain call (not when that socket is on another connection by now).
    /// </summary>
    private void AttachHere(SocketContext socket) => socket.AttachHere(_local ??= new LocalSocketGrain(this, GrainContext.Scheduler));

    /// <summary>
    /// Lists this activation for the thin gateway's link in this silo (<see cref="SocketGrainsHere"/>), so that the events
    /// of its batches come without a grain call inside the silo.
    /// </summary>
    private void ListHere(SocketContext socket)
    {
        if (ServiceProvider.GetService(typeof(SocketGrainsHere)) is not SocketGrainsHere here) return;
        _here = here;
        here.Add(socket.Id, _local ??= new LocalSocketGrain(this, GrainContext.Scheduler));
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Work items queued on a deactivated activation would reach a grain that no longer keeps the socket.
        _local?.Close();
        if (_local is not null) _here?.Remove(this.GetPrimaryKeyString(), _local);
        return Task.CompletedTask;
    }

    /// <summary>An accepted socket: kept active, counted in its namespace, known to its user, and handed this activation
    /// when its gateway runs in this process (else listed for that gateway's link in this silo).</summary>
    private async Task Joined(SocketContext socket)
    {
        DelayDeactivation(TimeSpan.MaxValue);
        await socket.Adapter.AddSocketAsync(socket.Member);
        await SyncUser(socket);
        if (socket.GatewayHere) AttachHere(socket);
        else ListHere(socket);
    }

    /// <summary>A handler may set <see cref="ISocket.UserId"/>; the user grains follow.</summary>
    private async Task SyncUser(SocketContext socket, bool notifyGateway = true)
    {
        var previous = _registeredUser;
        var current = socket.UserId;
        if (current == previous) return;
        // Recorded before the calls: an interleaved handler that finishes meanwhile sees the change as made.
        _registeredUser = current;
        await socket.Adapter.SetUserAsync(socket.Member, previous, current);
        // The gateway keeps a copy, to restore this socket should this activation be lost with its silo.
        if (notifyGateway) await socket.Gateway.UserChanged(socket.Id, current);
    }

    private ConnectResult NotRecoverable(string socketId, string reason)
    {
        SocketLog.RecoveryRefused(logger, socketId, reason);
        return ConnectResult.NotRecoverable;
    }
}
