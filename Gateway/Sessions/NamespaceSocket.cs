using OrleansSocket.Gateway.Protocol;
using OrleansSocket.Grains.Fanout;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// The gateway's half of one namespace socket: forwards the client's packets to the socket grain,
/// one awaited call at a time (order is kept across processes, where Orleans one-way and pipelined
/// calls were measured arriving out of order), and writes what the grain sends back.
/// </summary>
internal sealed class NamespaceSocket : ILocalSocket
{
    private enum State { Connecting, Connected, Closed }

    private abstract record Work
    {
        /// <summary>A client packet's bytes, charged to the connection's inbound budget until handled; null for the gateway's own work.</summary>
        public long? Charge { get; init; }
    }
    private sealed record ConnectWork(SocketConnectRequest Request) : Work;
    private sealed record RecoverWork(SocketConnectRequest Request) : Work;
    private sealed record EventWork(ClientEvent Event, long? AckId) : Work;
    private sealed record DisconnectedWork(string Reason) : Work;
    private sealed record RestoreWork(string[] Rooms, TaskCompletionSource Done) : Work;
    private sealed record TransportWork(string Transport) : Work;

    private readonly ClientSession _session;
    private readonly ISocketGrain _grain;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Queue<Work> _work = new();
    private bool _draining;
    private State _state = State.Connecting;
    // Emits the connect handler makes arrive before its answer; the client must see CONNECT first.
    private List<(SocketIOEncodedPacket Packet, bool Volatile, string? Offset)>? _early;
    // A recovered session: the offsets it was sent as missed packets. A packet logged before the recovery read
    // can also arrive live, after CONNECT (the broadcast was still on its way): that copy is dropped. Kept for a
    // while only, as a live copy comes within the stream latency.
    private HashSet<string>? _replayed;
    private long _replayedUntil;
    private static readonly TimeSpan ReplayedWindow = TimeSpan.FromSeconds(30);
    private Dictionary<long, TaskCompletionSource<SocketPayload>>? _acks;
    private long _nextAckId;
    private SocketConnectRequest? _connectRequest;

    public NamespaceSocket(ClientSession session, string id, string ns, ISocketGrain grain, ILogger logger)
    {
        _session = session;
        Id = id;
        Namespace = ns;
        _grain = grain;
        _logger = logger;
    }

    public string Id { get; }
    public string Namespace { get; }

    /// <summary>This gateway-side socket among the connections a session may have had (<see cref="SocketConnectRequest.ConnectionId"/>).</summary>
    public string ConnectionId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The private session id the client was given (connection state recovery), once connected.</summary>
    public string? Pid { get; private set; }
    public bool IsConnected { get { lock (_gate) return _state == State.Connected; } }
    public ClientSession Session => _session;

    /// <summary>The user id a handler gave this socket (kept to restore the socket grain after a silo failure).</summary>
    public string? UserId { get; set; }

    public void EnqueueConnect(SocketConnectRequest request, long charge)
    {
        _connectRequest = request;
        Enqueue(new ConnectWork(request) { Charge = charge });
    }

    /// <summary>
    /// Re-asserts this socket to its grain (in line with its events), after a silo failure may have lost the grain
    /// or its rooms, namespace or user. Completes when done, or at once when the socket is not connected.
    /// </summary>
    public Task EnqueueRestore(string[] rooms)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!IsConnected) done.TrySetResult();
        else Enqueue(new RestoreWork(rooms, done));
        return done.Task;
    }

    /// <summary>Connection state recovery: this socket has the id of the session the client wants back.</summary>
    public void EnqueueRecover(SocketConnectRequest request, long charge) => Enqueue(new RecoverWork(request) { Charge = charge });

    /// <summary>An event from the client; <paramref name="charge"/> is its size, held against the connection's inbound bound until handled.</summary>
    public void EnqueueEvent(ClientEvent clientEvent, long? ackId, long charge) => Enqueue(new EventWork(clientEvent, ackId) { Charge = charge });

    /// <summary>The connection upgraded (e.g. to "websocket"): the grain's <see cref="ISocket.Transport"/> follows.</summary>
    public void EnqueueTransport(string transport) => Enqueue(new TransportWork(transport));

    /// <summary>Sends an event from the grains.</summary>
    public void Deliver(OutboundPacket packet) => Deliver(Encode(packet), packet.Volatile, packet.Offset);

    private SocketIOEncodedPacket Encode(OutboundPacket packet) =>
        SocketIOEncoder.EncodeEvent(Namespace, packet.Event, packet.Payload.ArgsJson, packet.Payload.Attachments);

    /// <summary>Sends an encoded event (a broadcast shares one encoding); held back until the CONNECT answer has gone out.</summary>
    public void Deliver(SocketIOEncodedPacket packet, bool isVolatile, string? offset = null)
    {
        lock (_gate)
        {
            switch (_state)
            {
                case State.Connecting:
                    (_early ??= []).Add((packet, isVolatile, offset));
                    return;
                case State.Closed:
                    return;
            }
            if (WasReplayedLocked(offset)) return;
        }
        _session.Writer.Write(packet, isVolatile);
    }

    /// <summary>True (once) for the live copy of a packet a recovery already sent as missed.</summary>
    private bool WasReplayedLocked(string? offset)
    {
        if (_replayed is null || offset is null) return false;
        if (Environment.TickCount64 > _replayedUntil)
        {
            _replayed = null;
            return false;
        }
        if (!_replayed.Remove(offset)) return false;
        if (_replayed.Count == 0) _replayed = null; // every replayed packet's live copy has been dropped
        return true;
    }

    /// <summary>Sends an event with an ack id and waits for the client's ACK.</summary>
    public async Task<SocketPayload> DeliverWithAck(OutboundPacket packet, TimeSpan timeout)
    {
        var tcs = new TaskCompletionSource<SocketPayload>(TaskCreationOptions.RunContinuationsAsynchronously);
        long id;
        lock (_gate)
        {
            if (_state == State.Closed) throw new InvalidOperationException($"Socket {Id} is disconnected.");
            id = _nextAckId++;
            (_acks ??= [])[id] = tcs;
        }
        _session.Writer.Event(Namespace, packet.Event, packet.Payload, id);
        try
        {
            return await tcs.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (_gate) _acks?.Remove(id);
            throw new TimeoutException($"Socket {Id} did not acknowledge '{packet.Event}' within {timeout.TotalMilliseconds} ms.");
        }
    }

    /// <summary>A handler's answer that came after its grain call returned (it awaited something outside the socket).</summary>
    public void SendAck(long id, SocketPayload payload)
    {
        if (IsConnected) _session.Writer.Ack(Namespace, id, payload);
    }

    /// <summary>The client acknowledged a server emit.</summary>
    public void OnAck(long id, SocketPayload payload)
    {
        TaskCompletionSource<SocketPayload>? tcs = null;
        lock (_gate) _acks?.Remove(id, out tcs);
        tcs?.TrySetResult(payload);
    }

    /// <summary>The server disconnects this socket: DISCONNECT to the client, then as if it left.</summary>
    public void ServerDisconnect(bool closeConnection)
    {
        if (IsConnected) _session.Writer.Disconnect(Namespace);
        _session.Forget(this);
        Close("server namespace disconnect");
        if (closeConnection) _session.Connection.Close();
    }

    /// <summary>The socket is gone (client left, transport closed, server disconnect): tell the grain once.</summary>
    public void Close(string reason)
    {
        Dictionary<long, TaskCompletionSource<SocketPayload>>? acks;
        lock (_gate)
        {
            if (_state == State.Closed) return;
            _state = State.Closed;
            _early = null;
            acks = _acks;
            _acks = null;
        }
        _session.Server.Index.Remove(this);
        _session.Server.ClosingStarted();
        if (acks is not null)
            foreach (var tcs in acks.Values)
                tcs.TrySetException(new InvalidOperationException($"Socket {Id} disconnected: {reason}."));
        Enqueue(new DisconnectedWork(reason));
    }

    private void Enqueue(Work work)
    {
        if (work.Charge is { } charge) _session.Inbound.Add(charge);
        lock (_gate)
        {
            _work.Enqueue(work);
            if (_draining) return;
            _draining = true;
        }
        _ = DrainAsync();
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            Work work;
            lock (_gate)
            {
                if (!_work.TryDequeue(out work!))
                {
                    _draining = false;
                    return;
                }
            }
            try
            {
                await RunAsync(work);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Socket {Socket} ({Namespace}): {Work} failed", Id, Namespace, work.GetType().Name);
                if (work is ConnectWork or RecoverWork) Refuse("Internal server error", null);
            }
            finally
            {
                if (work.Charge is { } charge) _session.Inbound.Release(charge);
                switch (work)
                {
                    case DisconnectedWork:
                        _session.Server.ClosingDone();
                        break;
                    case RestoreWork r:
                        r.Done.TrySetResult();
                        break;
                }
            }
        }
    }

    private async Task RunAsync(Work work)
    {
        switch (work)
        {
            case ConnectWork c:
                Answer(await _grain.Connect(c.Request));
                break;
            case RecoverWork r:
                var recovered = await _grain.Recover(r.Request);
                if (recovered.IsNotRecoverable)
                {
                    // Too late or unknown: the client gets a new session, as with Node.
                    Abandon();
                    _session.ConnectAfterFailedRecovery(this, r.Request);
                    break;
                }
                Answer(recovered);
                break;
            case EventWork e:
                if (!IsConnected) return;
                var ack = await _grain.HandleEvent(e.Event);
                if (e.AckId is { } id && ack is not null && IsConnected)
                    _session.Writer.Ack(Namespace, id, ack);
                break;
            case DisconnectedWork d:
                await _grain.Disconnected(d.Reason, ConnectionId);
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

    private void Answer(ConnectResult result)
    {
        if (result.Accepted) Accept(result.Pid, result.Missed);
        else Refuse(result.ErrorMessage ?? "Connection rejected by server", result.ErrorDataJson, result.IsInvalidNamespace);
    }

    /// <summary>Gives up this socket without a word to the client (a failed recovery that reconnects as new).</summary>
    private void Abandon()
    {
        lock (_gate)
        {
            _state = State.Closed;
            _early = null;
        }
        _session.Server.Index.Remove(this);
        _session.Server.Unregister(this);
    }

    private void Accept(string? pid, OutboundPacket[]? missed)
    {
        lock (_gate)
        {
            if (_state != State.Connecting) return;
            _state = State.Connected;
            Pid = pid;
            _session.Server.Index.Add(this);
            var early = _early;
            _early = null;
            // Written under the lock so no later Deliver can overtake CONNECT or the held-back emits.
            _session.Writer.Connect(Namespace, Id, pid);
            // A recovered session: what it missed comes first, and a packet that also arrived live
            // while it was recovering goes out once.
            HashSet<string>? replayed = null;
            foreach (var packet in missed ?? [])
            {
                _session.Writer.Write(Encode(packet));
                if (packet.Offset is { } offset) (replayed ??= []).Add(offset);
            }
            if (replayed is not null)
            {
                _replayed = replayed;
                _replayedUntil = Environment.TickCount64 + (long)ReplayedWindow.TotalMilliseconds;
            }
            if (early is not null)
                foreach (var (packet, isVolatile, offset) in early)
                    if (!WasReplayedLocked(offset))
                        _session.Writer.Write(packet, isVolatile);
        }
    }

    private void Refuse(string message, byte[]? dataJson, bool invalidNamespace = false)
    {
        lock (_gate)
        {
            if (_state != State.Connecting) return;
            _state = State.Closed;
            _early = null;
        }
        _session.Server.Index.Remove(this); // a connect handler may have joined rooms before refusing
        if (invalidNamespace) _session.Writer.InvalidNamespace(Namespace, message);
        else _session.Writer.ConnectError(Namespace, message, dataJson);
        _session.Forget(this);
    }
}
