using OrleansSocket.Gateway.Diagnostics;
using OrleansSocket.Gateway.Protocol;
using OrleansSocket.Grains.Adapters;
using OrleansSocket.Grains.Sockets;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// The gateway's half of one namespace socket: forwards the client's packets to the socket grain and writes what
/// the grain sends back. Its concerns are types of their own: ordered dispatch (<see cref="SocketWorkQueue{TWork}"/>),
/// the connect state machine (<see cref="ConnectState{TPacket}"/>), server→client acks (<see cref="ServerAcks"/>)
/// and the recovery replay filter (<see cref="ReplayFilter"/>); of its connection and gateway it knows only
/// <see cref="ISocketConnection"/>.
/// </summary>
internal sealed class NamespaceSocket : IAdapterSocket, SocketWorkQueue<NamespaceSocket.Work>.IRunner
{
    private abstract record Work;
    private sealed record ConnectWork(SocketConnectRequest Request) : Work;
    private sealed record RecoverWork(SocketConnectRequest Request) : Work;
    /// <summary>A client event; <c>ReadAt</c> is the timestamp (<see cref="TimeProvider.GetTimestamp"/>) of its read for
    /// <see cref="SocketIOInstrumentation.EventDuration"/>, 0 when nobody listens.</summary>
    private sealed record EventWork(ClientEvent Event, long? AckId, long Bytes, long ReadAt) : Work;
    private sealed record DisconnectedWork(DisconnectReason Reason) : Work;
    private sealed record RestoreWork(string[] Rooms, TaskCompletionSource Done) : Work;
    private sealed record TransportWork(string Transport) : Work;

    private readonly record struct Outgoing(SocketIOEncodedPacket Packet, bool Volatile, string? Offset);

    private readonly ISocketConnection _connection;
    private readonly ISocketGrain _grain;
    private readonly EventBatcher? _batcher;
    private readonly ILogger _logger;
    private readonly SocketWorkQueue<Work> _work;
    private readonly ConnectState<Outgoing> _state = new();
    private readonly ServerAcks _acks;
    private readonly ReplayFilter _replay;
    private SocketConnectRequest? _connectRequest;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _postedEventTimeout;
    // Set when the grain runs in this process: events then go one-way and the grain reports each done here.
    private volatile PostedEvents? _posted;
    // The grain's activation, when it runs in this process and handed itself over: posts then go to its scheduler.
    private volatile ILocalSocketGrain? _local;
    private readonly bool _inlineStatelessHandlers;

    /// <param name="connection">The connection the socket is multiplexed on.</param>
    /// <param name="id">The socket id (its grain's key).</param>
    /// <param name="ns">The namespace.</param>
    /// <param name="grain">The socket's grain.</param>
    /// <param name="logger">Where failures are logged.</param>
    /// <param name="time">The clock of server→client ack timeouts and the replay filter.</param>
    /// <param name="batcher">Where events go when they travel in batches (a thin gateway); null: one grain call each.</param>
    /// <param name="eventsPerCall">Most queued events of this socket sent in one call to its grain, or together in one batch.</param>
    /// <param name="postedEventTimeout">How long an event handed one-way to a grain in this process waits for its report
    /// (<see cref="ConnectResult.GatewayHere"/>); null: every event is an awaited call.</param>
    /// <param name="inlineStatelessHandlers">Where the grain runs in this process, an event whose handler needs nothing of the
    /// socket runs here, on the thread that read it (<see cref="ILocalSocketGrain.TryRunDetached"/>), not on the grain's turn.</param>
    public NamespaceSocket(ISocketConnection connection, string id, string ns, ISocketGrain grain, ILogger logger, TimeProvider? time = null,
        EventBatcher? batcher = null, int eventsPerCall = 1, TimeSpan? postedEventTimeout = null, bool inlineStatelessHandlers = false)
    {
        _inlineStatelessHandlers = inlineStatelessHandlers;
        _postedEventTimeout = batcher is null ? postedEventTimeout : null;
        _batcher = batcher;
        _connection = connection;
        Id = id;
        Namespace = ns;
        _grain = grain;
        _logger = logger;
        time ??= TimeProvider.System;
        _time = time;
        _acks = new ServerAcks(time);
        _replay = new ReplayFilter(time);
        // No connection only where the socket is a mere key (the room index's tests); nothing is queued there.
        _work = new SocketWorkQueue<Work>(connection?.Inbound!, this, eventsPerCall);
    }

    public string Id { get; }
    public string Namespace { get; }

    /// <summary>This gateway-side socket among the connections a session may have had (<see cref="SocketConnectRequest.ConnectionId"/>).</summary>
    public string ConnectionId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The private session id the client was given (connection state recovery), once connected.</summary>
    public string? Pid { get; private set; }
    public bool IsConnected => _state.IsConnected;

    /// <summary>No grain call of this socket is queued or running.</summary>
    public bool IsIdle => _work.Count == 0;

    /// <summary>The connection this socket is multiplexed on.</summary>
    public ISocketConnection Connection => _connection;

    /// <summary>The user id a handler gave this socket (kept to restore the socket grain after a silo failure).</summary>
    public string? UserId { get; set; }

    public void EnqueueConnect(SocketConnectRequest request, long charge)
    {
        _connectRequest = request;
        _work.Enqueue(new ConnectWork(request), charge);
    }

    /// <summary>
    /// Re-asserts this socket to its grain (in line with its events), after a silo failure may have lost the grain
    /// or its rooms, namespace or user. Completes when done, or at once when the socket is not connected.
    /// </summary>
    public Task EnqueueRestore(string[] rooms)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!IsConnected) done.TrySetResult();
        else _work.Enqueue(new RestoreWork(rooms, done));
        return done.Task;
    }

    /// <summary>Connection state recovery: this socket has the id of the session the client wants back.</summary>
    public void EnqueueRecover(SocketConnectRequest request, long charge) => _work.Enqueue(new RecoverWork(request), charge);

    /// <summary>An event from the client; <paramref name="charge"/> is its size, held against the connection's inbound bound until handled.</summary>
    public void EnqueueEvent(ClientEvent clientEvent, long? ackId, long charge)
    {
        var readAt = _connection.Writer.Meters?.TimesEvents == true ? _time.GetTimestamp() : 0;
        _work.Enqueue(new EventWork(clientEvent, ackId, charge, readAt), charge);
    }

    /// <summary>The connection upgraded (e.g. to "websocket"): the grain's <see cref="ISocket.Transport"/> follows.</summary>
    public void EnqueueTransport(string transport) => _work.Enqueue(new TransportWork(transport));

    /// <summary>Sends an event from the grains.</summary>
    public void Deliver(OutboundPacket packet) => Deliver(Encode(packet), packet.Volatile, packet.Offset);

    private SocketIOEncodedPacket Encode(OutboundPacket packet) =>
        SocketIOEncoder.EncodeEvent(Namespace, packet.Event, packet.Payload.ArgsJson, packet.Payload.Attachments);

    /// <summary>
    /// Sends an encoded event (a broadcast shares one encoding); held back until the CONNECT answer has gone out. The
    /// delivering thread writes it itself when the connection's writer is idle (a broadcast: one socket after another,
    /// no writer task woken per socket).
    /// </summary>
    public void Deliver(SocketIOEncodedPacket packet, bool isVolatile, string? offset = null)
    {
        if (_state.Deliver(new Outgoing(packet, isVolatile, offset)) != ConnectState<Outgoing>.Offer.Send) return;
        if (_replay.IsReplayed(offset)) return;
        if (_connection.Writer.Write(packet, isVolatile, inline: true)) _connection.Writer.Meters?.EventSent(Namespace);
    }

    /// <summary>An emit of this socket's grain, running in this process: as <see cref="GatewayObserver.Send"/> writes it.</summary>
    bool IAdapterSocket.SendHere(string? connectionId, OutboundPacket packet)
    {
        if (!IsOn(connectionId)) return false;
        Deliver(packet);
        return true;
    }

    /// <summary>The answer to an event, from this socket's grain running in this process: as the answer its call returns.</summary>
    bool IAdapterSocket.AckHere(string? connectionId, long ackId, SocketPayload payload)
    {
        if (!IsOn(connectionId)) return false;
        SendAck(ackId, payload);
        return true;
    }

    /// <summary>The grain, running in this process, is done with the events posted as <paramref name="sequence"/>.</summary>
    bool IAdapterSocket.PostedEventsDone(string connectionId, long sequence)
    {
        if (!IsOn(connectionId)) return false;
        _posted?.Done(sequence);
        return true;
    }

    /// <summary>The grain's activation in this process: the socket's posted events go to it from now on, not through calls.</summary>
    bool IAdapterSocket.AttachLocalGrain(string connectionId, ILocalSocketGrain grain)
    {
        if (!IsOn(connectionId)) return false;
        _local = grain;
        return true;
    }

    /// <summary>Whether this is the socket's connection <paramref name="connectionId"/> (null: any).</summary>
    private bool IsOn(string? connectionId) => connectionId is null || connectionId == ConnectionId;

    /// <summary>A broadcast's packet: the node's sockets share one encoding.</summary>
    void IAdapterSocket.Deliver(SharedPacket packet)
    {
        var encoded = (SocketIOEncodedPacket)(packet.Encoded ??= Encode(packet.Packet));
        Deliver(encoded, packet.Packet.Volatile, packet.Packet.Offset);
        _connection.Activity?.EventSent(Namespace, Id, packet.Packet.Event, packet.Packet.Payload);
    }

    Task<SocketPayload> IAdapterSocket.DeliverWithAckAsync(OutboundPacket packet, TimeSpan timeout)
    {
        var answer = DeliverWithAck(packet, timeout);
        _connection.Activity?.EventSent(Namespace, Id, packet.Event, packet.Payload);
        return answer;
    }

    // The socket utilities go through the grain, which keeps the socket's own record and tells the adapter (these calls
    // interleave with a running handler of the socket).
    Task IAdapterSocket.DisconnectAsync(bool closeConnection) => _grain.Disconnect(closeConnection);

    Task IAdapterSocket.JoinAsync(IReadOnlyCollection<string> rooms) => _grain.JoinRooms([.. rooms]);

    Task IAdapterSocket.LeaveAsync(IReadOnlyCollection<string> rooms) => _grain.LeaveRooms([.. rooms]);

    async Task<RemoteSocket?> IAdapterSocket.DescribeAsync(string[] rooms) =>
        await _grain.Describe() is { } described ? described with { Rooms = rooms } : null;

    /// <summary>Sends an event with an ack id and waits for the client's ACK.</summary>
    public async Task<SocketPayload> DeliverWithAck(OutboundPacket packet, TimeSpan timeout) => await EmitExpectingAck(packet, timeout).Answer;

    /// <summary>
    /// Sends an event with an ack id now and returns the id; the client's ACK (or the time-out) is kept for
    /// <see cref="AckOf"/>, which the grain calls next.
    /// </summary>
    /// <exception cref="InvalidOperationException">the socket is disconnected.</exception>
    public long DeliverExpectingAck(OutboundPacket packet, TimeSpan timeout)
    {
        var (id, answer) = EmitExpectingAck(packet, timeout);
        _acks.Keep(id, answer, timeout);
        return id;
    }

    /// <summary>The answer to the emit <see cref="DeliverExpectingAck"/> gave <paramref name="id"/>, once.</summary>
    public Task<SocketPayload> AckOf(long id) =>
        _acks.Collect(id) ?? Task.FromException<SocketPayload>(new InvalidOperationException($"Socket {Id} has no emit waiting for ack {id}."));

    private (long Id, Task<SocketPayload> Answer) EmitExpectingAck(OutboundPacket packet, TimeSpan timeout)
    {
        if (_state.IsClosed || !_acks.TryAdd(out var id, out var answer))
            throw new InvalidOperationException($"Socket {Id} is disconnected.");
        if (_connection.Writer.Event(Namespace, packet.Event, packet.Payload, id)) _connection.Writer.Meters?.EventSent(Namespace);
        return (id, WaitForAckAsync(id, answer, packet.Event, timeout));
    }

    private async Task<SocketPayload> WaitForAckAsync(long id, Task<SocketPayload> answer, string eventName, TimeSpan timeout)
    {
        try
        {
            return await _acks.WaitAsync(id, answer, timeout);
        }
        catch (TimeoutException)
        {
            _connection.Writer.Meters?.AckTimedOut(Namespace);
            throw new TimeoutException($"Socket {Id} did not acknowledge '{eventName}' within {timeout.TotalMilliseconds} ms.");
        }
    }

    /// <summary>A handler's answer that came after its grain call returned (it awaited something outside the socket).</summary>
    public void SendAck(long id, SocketPayload payload)
    {
        if (IsConnected) _connection.Writer.Ack(Namespace, id, payload);
    }

    /// <summary>The client acknowledged a server emit.</summary>
    public void OnAck(long id, SocketPayload payload)
    {
        _connection.Writer.Meters?.AckReceived(Namespace);
        _acks.Answer(id, payload);
    }

    /// <summary>The server disconnects this socket: closed with its reason, then DISCONNECT to the client.</summary>
    /// <remarks>
    /// Closed before the packet is written: a client that answers the DISCONNECT by closing its connection must not
    /// have its socket closed first as a "transport close".
    /// </remarks>
    public void ServerDisconnect(bool closeConnection)
    {
        var wasConnected = IsConnected;
        Close(DisconnectReason.ServerNamespaceDisconnect);
        _connection.Forget(this);
        if (wasConnected) _connection.Writer.Disconnect(Namespace);
        if (closeConnection) _connection.Close();
    }

    /// <summary>The socket is gone (client left, transport closed, server disconnect): tell the grain once.</summary>
    public void Close(DisconnectReason reason)
    {
        if (!_state.TryClose()) return;
        _connection.LeftRooms(this);
        _connection.ClosingStarted();
        _acks.Close(new InvalidOperationException($"Socket {Id} disconnected: {reason.ToWireString()}."));
        _posted?.Release();
        _work.Enqueue(new DisconnectedWork(reason));
    }

    void SocketWorkQueue<Work>.IRunner.Failed(Work work, Exception ex)
    {
        SessionLog.WorkFailed(_logger, ex, Id, Namespace, work.GetType().Name);
        if (work is ConnectWork or RecoverWork) Refuse("Internal server error", null);
    }

    void SocketWorkQueue<Work>.IRunner.Done(Work work)
    {
        switch (work)
        {
            case DisconnectedWork:
                _connection.ClosingDone();
                break;
            case RestoreWork r:
                r.Done.TrySetResult();
                break;
            case EventWork { ReadAt: not 0 } e:
                _connection.Writer.Meters?.EventHandled(Namespace, _time.GetElapsedTime(e.ReadAt));
                break;
        }
    }

    Task SocketWorkQueue<Work>.IRunner.RunAsync(Work work) => RunAsync(work);

    bool SocketWorkQueue<Work>.IRunner.CanBatch(Work work) => work is EventWork;

    Task SocketWorkQueue<Work>.IRunner.RunBatchAsync(Work[] works) => RunEventsAsync(works);

    /// <summary>Events that queued up behind the socket's previous call, in one call to its grain (still in order).</summary>
    private async Task RunEventsAsync(Work[] works)
    {
        if (!IsConnected) return;
        var events = new ClientEvent[works.Length];
        for (var i = 0; i < events.Length; i++) events[i] = ((EventWork)works[i]).Event;
        EventBatchResult result;
        // One span for the call: its trace context is what the grain sees for each of its events.
        using (GatewayTelemetry.StartEvent(Namespace, Id, events[0].Event))
        {
            if (_posted is { } posted)
            {
                var wait = posted.Post(out var receipt);
                if (_local?.TryPost(events, receipt) != true) await _grain.PostEvents(events, receipt);
                if (!await wait) PostTimedOut(posted);
                return;
            }
            if (_batcher is { } batcher)
            {
                long bytes = 0;
                foreach (var work in works) bytes += ((EventWork)work).Bytes;
                result = await batcher.HandleEventsAsync(Id, events, bytes);
            }
            else result = await _grain.HandleEvents(events);
        }
        result.EnsureAnswers(events.Length);
        for (var i = 0; i < events.Length; i++)
        {
            if (result.Errors?[i] is { } error)
            {
                SessionLog.WorkFailed(_logger, error, Id, Namespace, nameof(EventWork));
                continue;
            }
            if (((EventWork)works[i]).AckId is { } id && result.Acks[i] is { } ack && IsConnected)
                _connection.Writer.Ack(Namespace, id, ack);
        }
    }

    private async Task RunAsync(Work work)
    {
        switch (work)
        {
            case ConnectWork c:
                using (GatewayTelemetry.StartConnect(Namespace, Id))
                    Answer(await _grain.Connect(c.Request), c.Request);
                break;
            case RecoverWork r:
                var recovered = await _grain.Recover(r.Request);
                if (recovered.IsNotRecoverable)
                {
                    // Too late or unknown: the client gets a new session, as with Node.
                    Abandon();
                    _connection.ConnectAfterFailedRecovery(this, r.Request);
                    break;
                }
                Answer(recovered, r.Request);
                break;
            case EventWork e:
                if (!IsConnected) return;
                SocketPayload? ack;
                using (GatewayTelemetry.StartEvent(Namespace, Id, e.Event.Event))
                {
                    if (_posted is { } posted)
                    {
                        if (_inlineStatelessHandlers && _local?.TryRunDetached(e.Event) is { } detached)
                        {
                            // The handler needs nothing of the socket: it ran here, with no hand-off to the grain's turn.
                            if (!detached.IsCompletedSuccessfully)
                            {
                                // It waits on something (I/O, a timer): the socket's next event goes on meanwhile, as the grain lets it.
                                _ = AckWhenDoneAsync(e.AckId, detached);
                                break;
                            }
                            ack = detached.Result;
                        }
                        else
                        {
                            // The grain writes the answer itself and reports when it is done (ISocketGrain.PostEvent).
                            var wait = posted.Post(out var receipt);
                            if (_local?.TryPost(e.Event, receipt) != true) await _grain.PostEvent(e.Event, receipt);
                            if (!await wait) PostTimedOut(posted);
                            break;
                        }
                    }
                    else ack = _batcher is { } batcher
                        ? (await batcher.HandleEventsAsync(Id, [e.Event], e.Bytes)).OnlyOutcome()
                        : await _grain.HandleEvent(e.Event);
                }
                if (e.AckId is { } id && ack is not null && IsConnected)
                    _connection.Writer.Ack(Namespace, id, ack);
                break;
            case DisconnectedWork d:
                // The grain (and the handlers behind it) hear the reason as Socket.IO spells it.
                await _grain.Disconnected(d.Reason.ToWireString(), ConnectionId);
                break;
            case TransportWork t:
                if (IsConnected) await _grain.TransportChanged(t.Transport);
                break;
            case RestoreWork r:
                if (IsConnected && _connectRequest is { } request)
                    await _grain.Restore(new SocketRestoreRequest(request, r.Rooms, UserId));
                break;
        }
    }

    /// <summary>The answer of a handler that ran here (<see cref="ILocalSocketGrain.TryRunDetached"/>) and finished later.</summary>
    private async Task AckWhenDoneAsync(long? ackId, Task<SocketPayload?> handler)
    {
        try
        {
            if (await handler is { } ack && ackId is { } id) SendAck(id, ack);
        }
        catch (Exception ex)
        {
            // The dispatch reports a handler's own failure and returns null; anything here is the gateway's.
            SessionLog.WorkFailed(_logger, ex, Id, Namespace, nameof(EventWork));
        }
    }

    /// <summary>
    /// The grain did not report a post in time: as after an awaited call that timed out, the socket goes on with its next
    /// event, and from then on awaits each call (the grain may no longer run here).
    /// </summary>
    private void PostTimedOut(PostedEvents posted)
    {
        _posted = null;
        _local = null;
        posted.Release();
        SessionLog.PostedEventTimedOut(_logger, Id, Namespace, posted.Timeout.TotalMilliseconds);
    }

    private void Answer(ConnectResult result, SocketConnectRequest request)
    {
        if (result.Accepted && result.GatewayHere && _postedEventTimeout is { } timeout)
            _posted = new PostedEvents(request.GatewayId, ConnectionId, _time, timeout);
        if (result.Accepted) Accept(result.Pid, result.Missed);
        else Refuse(result.ErrorMessage ?? "Connection rejected by server", result.ErrorDataJson, result.IsInvalidNamespace);
    }

    /// <summary>Gives up this socket without a word to the client (a failed recovery that reconnects as new).</summary>
    private void Abandon()
    {
        _state.TryClose();
        _connection.LeftRooms(this);
        _connection.Unregister(this);
    }

    private void Accept(string? pid, OutboundPacket[]? missed) =>
        _state.TryAccept(early =>
        {
            Pid = pid;
            _connection.Accepted(this);
            _connection.Writer.Connect(Namespace, Id, pid);
            // A recovered session: what it missed comes first, and a packet that also arrived live
            // while it was recovering goes out once.
            if (missed is { Length: > 0 })
            {
                foreach (var packet in missed)
                    if (_connection.Writer.Write(Encode(packet))) _connection.Writer.Meters?.EventSent(Namespace);
                _replay.Replayed(missed.Select(p => p.Offset).OfType<string>());
            }
            foreach (var held in early)
                if (!_replay.IsReplayed(held.Offset) && _connection.Writer.Write(held.Packet, held.Volatile))
                    _connection.Writer.Meters?.EventSent(Namespace);
        });

    private void Refuse(string message, byte[]? dataJson, bool invalidNamespace = false)
    {
        if (!_state.TryRefuse()) return;
        SessionLog.ConnectRefused(_logger, Id, Namespace, message);
        _connection.LeftRooms(this); // a connect handler may have joined rooms before refusing
        if (invalidNamespace) _connection.Writer.InvalidNamespace(Namespace, message);
        else _connection.Writer.ConnectError(Namespace, message, dataJson);
        _connection.Forget(this);
    }
}
