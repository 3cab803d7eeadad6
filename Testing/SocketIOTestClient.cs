using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Testing;

/// <summary>
/// A fake Socket.IO client connected to one namespace of a <see cref="SocketIOTestServer"/> (Flask-SocketIO's
/// <c>test_client</c>, one namespace of it): it calls the real socket grain as the gateway would, and records
/// what the server sends to it, directly or through rooms, namespaces and users.
/// </summary>
/// <remarks>
/// <para>One object per namespace socket. Several namespaces share one connection, as with a real client:
/// <see cref="ConnectNamespaceAsync"/> opens another namespace on this one's connection (same headers and query,
/// its own socket id and auth), and <see cref="CloseAsync"/> drops the whole connection.</para>
/// <para>Every operation (<see cref="EmitAsync"/>, <see cref="EmitWithAckAsync"/>, <see cref="DisconnectAsync"/>,
/// connecting) returns once the handler finished and what it broadcast reached the test clients
/// (<see cref="SocketIOTestServer.FlushAsync"/>), so <see cref="GetReceived"/> can be read right away — except
/// that a handler awaiting something outside its socket (a client's ack, a timer, I/O) lets the next operation
/// start, as on the gateway; <see cref="EmitWithAckAsync"/> still waits for its answer.
/// Events that come from elsewhere (timers, hosted services) need <see cref="WaitForAsync"/>.</para>
/// </remarks>
public sealed class SocketIOTestClient : IAsyncDisposable, OrleansSocket.Grains.Fanout.ILocalSocket
{
    private static readonly string[] ReservedEvents = ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];

    private enum State { Connecting, Connected, Refused, Disconnected }

    private readonly TestConnection _connection;
    private readonly ISocketGrain _grain;
    private readonly Lock _gate = new();
    private readonly List<ReceivedEvent> _received = [];
    // Acks a handler sends after its grain call returned (it awaited something outside the socket, or used IAck).
    private readonly Dictionary<long, TaskCompletionSource<SocketPayload>> _lateAcks = [];
    private long _nextAckId;
    private List<ReceivedEvent>? _early = [];
    private TaskCompletionSource _arrived = NewSignal();
    private Task _tail = Task.CompletedTask;
    private int _pending;
    private State _state = State.Connecting;

    internal SocketIOTestClient(TestConnection connection, string id, string ns, ISocketGrain grain)
    {
        _connection = connection;
        Id = id;
        Namespace = ns;
        _grain = grain;
    }

    /// <summary>The socket id (<c>socket.Id</c> in the handlers), also for a refused connection.</summary>
    public string Id { get; }

    /// <summary>The namespace this client connected to.</summary>
    public string Namespace { get; }

    /// <summary>The test gateway that holds this client's connection.</summary>
    public string GatewayId => _connection.Gateway.Id;

    /// <summary>The server accepted the connection and it has not been disconnected since.</summary>
    public bool IsConnected { get { lock (_gate) return _state == State.Connected; } }

    /// <summary>The CONNECT_ERROR when the server refused the connection, else null.</summary>
    public ConnectError? ConnectError { get; private set; }

    /// <summary>Why the socket is disconnected, as socket.io-client names it: <c>io client disconnect</c>
    /// (<see cref="DisconnectAsync"/>), <c>io server disconnect</c> (the server disconnected it),
    /// <c>transport close</c> (the connection closed); null while connected or when refused.</summary>
    public string? DisconnectReason { get; private set; }

    /// <summary>
    /// How this client answers the server's <c>EmitWithAck</c> (to the socket or as a broadcast): return the ack
    /// arguments (<c>byte[]</c> values go as binary), or null not to answer (the server then sees a timeout).
    /// Default: ack with no arguments. Runs while the server waits: do not await operations of this client in it.
    /// An exception fails the server's <c>EmitWithAck</c> (in a broadcast, the socket counts as not answering).
    /// </summary>
    public Func<ReceivedEvent, object?[]?> OnServerAck { get; set; } = static _ => [];

    /// <summary>
    /// The events received since the last call, in arrival order, and forgets them (Flask-SocketIO's
    /// <c>get_received(namespace)</c>; the namespace is this client's).
    /// </summary>
    public IReadOnlyList<ReceivedEvent> GetReceived()
    {
        lock (_gate)
        {
            ReceivedEvent[] all = [.. _received];
            _received.Clear();
            return all;
        }
    }

    /// <summary>
    /// Waits for the first not yet read event named <paramref name="eventName"/> (already received, or arriving
    /// later) and takes it out of what <see cref="GetReceived"/> returns; the others stay.
    /// </summary>
    /// <exception cref="TimeoutException">none arrived within <paramref name="timeout"/> (default: the server's <see cref="SocketIOTestServerOptions.Timeout"/>).</exception>
    public async Task<ReceivedEvent> WaitForAsync(string eventName, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        var limit = timeout ?? _connection.Server.Options.Timeout;
        using var cts = new CancellationTokenSource(limit);
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                var i = _received.FindIndex(e => e.Event == eventName);
                if (i >= 0)
                {
                    var found = _received[i];
                    _received.RemoveAt(i);
                    return found;
                }
                arrived = _arrived.Task;
            }
            try
            {
                await arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                string pending;
                lock (_gate) pending = string.Join(", ", _received.Select(e => e.Event));
                throw new TimeoutException(
                    $"Socket {Id} ({Namespace}) received no '{eventName}' within {limit.TotalMilliseconds} ms (unread: [{pending}]).");
            }
        }
    }

    /// <summary>Emits an event to the server and waits until its handler finished, or waits on something outside the
    /// socket (a client's ack, a timer, I/O: then the next event runs meanwhile), as Flask's <c>client.emit</c>.</summary>
    /// <param name="eventName">The event to emit.</param>
    /// <param name="args">Serialized like handler arguments: JSON with web defaults, <c>byte[]</c> as binary attachments.</param>
    public async Task EmitAsync(string eventName, params object?[]? args)
    {
        var clientEvent = Event(eventName, args, wantsAck: false);
        await Enqueue(() => IsConnected ? _grain.HandleEvent(clientEvent) : Task.FromResult<SocketPayload?>(null));
        await _connection.Server.FlushAsync();
    }

    /// <summary>Emits an event with an ack and returns the handler's answer (its return value, <see cref="Ack.Many"/>'s
    /// arguments, or what it sent through <see cref="IAck"/>), also when it comes after the handler awaited something
    /// outside the socket. Later events of this client do not wait for it.</summary>
    /// <exception cref="TimeoutException">the server sent no ack within <see cref="SocketIOTestServerOptions.Timeout"/>, as a
    /// real client would see it: no handler for the event, a packet middleware dropped it, the handler failed (its error
    /// went to the error handlers), or it took an <see cref="IAck"/> and did not answer.</exception>
    public async Task<ClientAck> EmitWithAckAsync(string eventName, params object?[]? args)
    {
        var late = new TaskCompletionSource<SocketPayload>(TaskCreationOptions.RunContinuationsAsynchronously);
        long ackId;
        lock (_gate)
        {
            ackId = _nextAckId++;
            _lateAcks[ackId] = late;
        }
        try
        {
            var clientEvent = Event(eventName, args, wantsAck: true) with { AckId = ackId };
            var ack = await Enqueue(() => IsConnected ? _grain.HandleEvent(clientEvent) : Task.FromResult<SocketPayload?>(null));
            try
            {
                ack ??= await late.Task.WaitAsync(_connection.Server.Options.Timeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"The server did not acknowledge '{eventName}' on {Namespace} within " +
                    $"{_connection.Server.Options.Timeout.TotalMilliseconds} ms: no handler for it, a packet middleware dropped it, " +
                    "the handler failed (see the error handlers), or it took an IAck and did not answer.");
            }
            await _connection.Server.FlushAsync();
            return new ClientAck(ack);
        }
        finally
        {
            lock (_gate) _lateAcks.Remove(ackId);
        }
    }

    /// <summary>Flask-SocketIO's <c>send</c>: a <c>message</c> event, or <c>json</c> when <paramref name="json"/> is true.</summary>
    public Task SendAsync(object? data, bool json = false) => EmitAsync(json ? "json" : "message", data);

    /// <summary>Connects another namespace over this client's connection (a real client's <c>io("/admin")</c> on the same
    /// manager): same headers and query, its own socket id and <paramref name="auth"/>. Check <see cref="IsConnected"/>.</summary>
    public Task<SocketIOTestClient> ConnectNamespaceAsync(string ns, object? auth = null) => _connection.ConnectAsync(ns, auth);

    /// <summary>Leaves this namespace (a DISCONNECT packet): the disconnect handler gets <c>client namespace disconnect</c>.</summary>
    public async Task DisconnectAsync()
    {
        if (!Leave("io client disconnect")) return;
        _connection.Forget(this);
        await Enqueue(() => Disconnected("client namespace disconnect"));
        await _connection.Server.FlushAsync();
    }

    /// <summary>Drops the whole connection, every namespace of it: the disconnect handlers get <c>transport close</c>.</summary>
    public Task CloseAsync() => _connection.CloseAsync();

    /// <summary>Same as <see cref="DisconnectAsync"/>.</summary>
    public async ValueTask DisposeAsync() => await DisconnectAsync();

    /// <summary><c>namespace#id</c>, for assertion messages.</summary>
    public override string ToString() => $"{Namespace}#{Id}";

    // ---------------- the gateway's side ----------------

    internal Task Connect(SocketConnectRequest request) => Enqueue(async () =>
    {
        ConnectResult result;
        try
        {
            result = await _grain.Connect(request);
        }
        catch
        {
            Refuse("Internal server error", null);
            throw;
        }
        if (result.Accepted) Accept();
        else Refuse(result.ErrorMessage ?? ConnectionRefusedException.DefaultMessage, result.ErrorDataJson);
        return true;
    });

    /// <summary>An event from the server; held back until the connect handler's answer, as the gateway holds it before CONNECT.</summary>
    internal void Deliver(ReceivedEvent received)
    {
        lock (_gate)
        {
            switch (_state)
            {
                case State.Connecting:
                    _early!.Add(received);
                    return;
                case State.Connected:
                    _received.Add(received);
                    Signal();
                    return;
            }
        }
    }

    /// <summary>An event with an ack: recorded, then answered by <see cref="OnServerAck"/>; null when it does not answer.</summary>
    internal SocketPayload? DeliverWithAck(OutboundPacket packet)
    {
        lock (_gate)
        {
            if (_state is State.Refused or State.Disconnected)
                throw new InvalidOperationException($"Socket {Id} is disconnected.");
        }
        var received = new ReceivedEvent(Namespace, packet.Event, packet.Payload, ackRequested: true);
        Deliver(received);
        return OnServerAck(received) is { } answer ? PayloadSerializer.Serialize(answer) : null;
    }

    /// <summary>A handler's ack that came after its grain call returned.</summary>
    internal void LateAck(long ackId, SocketPayload payload)
    {
        TaskCompletionSource<SocketPayload>? late;
        lock (_gate) _lateAcks.TryGetValue(ackId, out late);
        late?.TrySetResult(payload);
    }

    /// <summary>The server disconnected this socket (<c>socket.Disconnect()</c>, <c>DisconnectSockets</c>).</summary>
    internal void ServerDisconnect(bool closeConnection)
    {
        if (!Leave("io server disconnect")) return;
        _connection.Forget(this);
        // Not awaited: the server's call may come from this socket's own handler, which holds the grain.
        _ = Enqueue(() => Disconnected("server namespace disconnect"));
        if (closeConnection) _connection.Close("forced close");
    }

    /// <summary>The connection closed under this socket.</summary>
    internal void ConnectionClosed(string reason)
    {
        if (!Leave("transport close")) return;
        _ = Enqueue(() => Disconnected(reason));
    }

    internal async Task IdleAsync()
    {
        while (true)
        {
            Task tail;
            lock (_gate)
            {
                if (_pending == 0) return;
                tail = _tail;
            }
            try
            {
                await tail;
            }
            catch
            {
                // the operation that queued it reports its failure
            }
        }
    }

    private ClientEvent Event(string eventName, object?[]? args, bool wantsAck)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        if (ReservedEvents.Contains(eventName))
            throw new ArgumentException($"'{eventName}' is a reserved event name; a Socket.IO client cannot emit it.", nameof(eventName));
        lock (_gate)
        {
            if (_state != State.Connected)
                throw new InvalidOperationException(ConnectError is { } error
                    ? $"Socket {Id} was refused by {Namespace}: {error.Message}"
                    : $"Socket {Id} is not connected to {Namespace} ({DisconnectReason}).");
        }
        return new ClientEvent(eventName, PayloadSerializer.Serialize(args ?? [null]), wantsAck);
    }

    private void Accept()
    {
        lock (_gate)
        {
            if (_state != State.Connecting) return;
            _state = State.Connected;
            _connection.Gateway.Index.Add(this);
            _received.AddRange(_early!);
            _early = null;
            Signal();
        }
    }

    private void Refuse(string message, byte[]? dataJson)
    {
        lock (_gate)
        {
            if (_state != State.Connecting) return;
            _state = State.Refused;
            _early = null;
            ConnectError = new ConnectError(message, dataJson is null ? null : ParseJson(dataJson));
        }
        _connection.Gateway.Index.Remove(this); // a connect handler may have joined rooms before refusing
        _connection.Forget(this);
    }

    /// <returns>False when the socket was not connected (or connecting).</returns>
    private bool Leave(string clientReason)
    {
        lock (_gate)
        {
            if (_state is State.Refused or State.Disconnected) return false;
            _state = State.Disconnected;
            _early = null;
            DisconnectReason = clientReason;
        }
        _connection.Gateway.Index.Remove(this);
        _connection.Gateway.Unregister(this);
        return true;
    }

    private async Task<bool> Disconnected(string reason)
    {
        await _grain.Disconnected(reason);
        return true;
    }

    private Task<T> Enqueue<T>(Func<Task<T>> work)
    {
        lock (_gate)
        {
            if (_pending++ == 0) _connection.Server.SetBusy(this, true);
            var task = RunAfter(_tail, work);
            _tail = task;
            return task;
        }
    }

    // One grain call at a time, in order, like the gateway's per-socket work queue.
    private async Task<T> RunAfter<T>(Task previous, Func<Task<T>> work)
    {
        try
        {
            await previous;
        }
        catch
        {
            // reported to whoever queued it
        }
        try
        {
            return await work();
        }
        finally
        {
            lock (_gate)
            {
                if (--_pending == 0) _connection.Server.SetBusy(this, false);
            }
        }
    }

    private void Signal()
    {
        var arrived = _arrived;
        _arrived = NewSignal();
        arrived.TrySetResult();
    }

    private static System.Text.Json.JsonElement ParseJson(byte[] json)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
