using OrleansSocket.Gateway.Protocol;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Testing;

/// <summary>
/// A Socket.IO client connected to one namespace of a <see cref="SocketIOTestServer"/> (Flask-SocketIO's
/// <c>test_client</c>, one namespace of it): it speaks the Socket.IO protocol, over an in-memory Engine.IO connection,
/// to the gateway's real session layer, which calls the real socket grain, and records what the server sends to it,
/// directly or through rooms, namespaces and users.
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
public sealed class SocketIOTestClient : IAsyncDisposable
{
    private static readonly string[] ReservedEvents = ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];

    private enum State { Connecting, Connected, Refused, Disconnected }

    private readonly TestConnection _connection;
    private readonly Lock _gate = new();
    private readonly List<ReceivedEvent> _received = [];
    // This client's emits waiting for the server's ACK, by ack id.
    private readonly Dictionary<long, TaskCompletionSource<SocketPayload>> _acks = [];
    private long _nextAckId;
    private TaskCompletionSource _arrived = NewSignal();
    private State _state = State.Connecting;

    internal SocketIOTestClient(TestConnection connection, string ns)
    {
        _connection = connection;
        Namespace = ns;
    }

    /// <summary>The socket id (<c>socket.Id</c> in the handlers), also for a refused connection.</summary>
    public string Id { get; internal set; } = "";

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
        var payload = Payload(eventName, args);
        await _connection.SendAsync(SocketIOEncoder.EncodeEvent(Namespace, eventName, payload.ArgsJson, payload.Attachments));
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
        var payload = Payload(eventName, args);
        var answer = new TaskCompletionSource<SocketPayload>(TaskCreationOptions.RunContinuationsAsynchronously);
        long ackId;
        lock (_gate)
        {
            ackId = _nextAckId++;
            _acks[ackId] = answer;
        }
        try
        {
            await _connection.SendAsync(SocketIOEncoder.EncodeEvent(Namespace, eventName, payload.ArgsJson, payload.Attachments, ackId));
            SocketPayload ack;
            try
            {
                ack = await answer.Task.WaitAsync(_connection.Server.Options.Timeout);
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
            lock (_gate) _acks.Remove(ackId);
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
        await _connection.SendAsync(SocketIOEncoder.EncodeDisconnect(Namespace));
        await _connection.Server.FlushAsync();
    }

    /// <summary>Drops the whole connection, every namespace of it: the disconnect handlers get <c>transport close</c>.</summary>
    public Task CloseAsync() => _connection.CloseAsync();

    /// <summary>Same as <see cref="DisconnectAsync"/>.</summary>
    public async ValueTask DisposeAsync() => await DisconnectAsync();

    /// <summary><c>namespace#id</c>, for assertion messages.</summary>
    public override string ToString() => $"{Namespace}#{Id}";

    // ---------------- what the gateway sends ----------------

    /// <summary>CONNECT: the connect handler accepted the socket.</summary>
    internal void Accepted()
    {
        lock (_gate)
        {
            if (_state == State.Connecting) _state = State.Connected;
        }
    }

    /// <summary>CONNECT_ERROR, with its <c>{"message", "data"}</c> object.</summary>
    internal void Refused(ReadOnlyMemory<byte> error)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(error);
        var root = doc.RootElement;
        var message = root.TryGetProperty("message", out var m) ? m.GetString() ?? "" : ConnectionRefusedException.DefaultMessage;
        System.Text.Json.JsonElement? data = root.TryGetProperty("data", out var d) ? d.Clone() : null;
        lock (_gate)
        {
            if (_state != State.Connecting) return;
            _state = State.Refused;
            ConnectError = new ConnectError(message, data);
        }
    }

    /// <summary>An event; with an ack id, answered by <see cref="OnServerAck"/> (null: no answer).</summary>
    /// <exception cref="InvalidOperationException"><see cref="OnServerAck"/> threw: the server's <c>EmitWithAck</c> fails.</exception>
    internal SocketPayload? Received(string eventName, SocketPayload payload, long? ackId)
    {
        var received = new ReceivedEvent(Namespace, eventName, payload, ackRequested: ackId is not null);
        lock (_gate)
        {
            if (_state != State.Connected) return null;
            _received.Add(received);
            Signal();
        }
        if (ackId is null) return null;
        try
        {
            return OnServerAck(received) is { } answer ? PayloadSerializer.Serialize(answer) : null;
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"Socket {Id}: OnServerAck threw on '{eventName}'.", e);
        }
    }

    /// <summary>The server's ACK to one of this client's emits.</summary>
    internal void Acknowledged(long ackId, SocketPayload payload)
    {
        TaskCompletionSource<SocketPayload>? answer;
        lock (_gate) _acks.TryGetValue(ackId, out answer);
        answer?.TrySetResult(payload);
    }

    /// <summary>DISCONNECT: the server disconnected this socket (<c>socket.DisconnectAsync()</c>, <c>DisconnectSockets</c>).</summary>
    internal void ServerDisconnected() => Leave("io server disconnect");

    /// <summary>The connection closed under this socket.</summary>
    internal void ConnectionClosed() => Leave(DisconnectReasons.TransportClose);

    private SocketPayload Payload(string eventName, object?[]? args)
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
        return PayloadSerializer.Serialize(args ?? [null]);
    }

    /// <returns>False when the socket was not connected (or connecting).</returns>
    private bool Leave(string clientReason)
    {
        lock (_gate)
        {
            if (_state is State.Refused or State.Disconnected) return false;
            _state = State.Disconnected;
            DisconnectReason = clientReason;
        }
        return true;
    }

    private void Signal()
    {
        var arrived = _arrived;
        _arrived = NewSignal();
        arrived.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
