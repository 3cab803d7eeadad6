using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Grains.Adapters;
using OrleansSocket.Gateway.Hosting;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// This gateway's Socket.IO server: opens a <see cref="ClientSession"/> per Engine.IO connection,
/// knows every namespace socket it holds, and is what grains reach through <see cref="IGatewayObserver"/>.
/// </summary>
internal sealed class SocketIOServer : IEngineApplication
{
    private readonly ConcurrentDictionary<string, NamespaceSocket> _sockets = new();
    private readonly IGrainFactory _grains;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lazy<IGatewayObserver> _observerReference;
    // Orleans holds observers weakly: this field keeps the target alive as long as the server.
    private readonly GatewayObserver _observer;

    public SocketIOServer(IGrainFactory grains, IOptions<SocketIOOptions> options, ILoggerFactory loggers,
        IOptions<ConnectionStateRecoveryOptions>? recovery = null, IHostApplicationLifetime? lifetime = null, SocketIOMeters? meters = null,
        TimeProvider? time = null, Grains.Sockets.ISocketActivity? activity = null, IServiceProviderIsService? services = null,
        Orleans.Serialization.Serializer? serializer = null)
    {
        _time = time ?? TimeProvider.System;
        _grains = grains;
        Meters = meters;
        Activity = activity is { IsEnabled: true } ? activity : null;
        RecoveryEnabled = recovery?.Value.Enabled ?? false;
        _stopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
        _loggers = loggers;
        _logger = loggers.CreateLogger<SocketIOServer>();
        Options = options.Value;
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxInboundPackets, 1, nameof(Options.MaxInboundPackets));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxInboundBytes, 1, nameof(Options.MaxInboundBytes));
        _observer = new GatewayObserver(this);
        Batcher = UsesBatches(Options.EventBatching.Mode, services) ? NewBatcher(serializer) : null;
        Index = new AdapterNode(GatewayId, Find);
        // Created on first use: in the co-hosted shape the silo is not up while services are built.
        _observerReference = new Lazy<IGatewayObserver>(() => _grains.CreateObjectReference<IGatewayObserver>(_observer));
    }

    public SocketIOOptions Options { get; }

    /// <summary>Where client events go when they travel to the silos in batches; null: one grain call per event.</summary>
    public EventBatcher? Batcher { get; }

    /// <summary>
    /// <see cref="EventBatchingMode.Auto"/> batches where no silo runs in this process (the container has no
    /// <see cref="Orleans.Runtime.ILocalSiloDetails"/>): there every event's call crosses the network. A server built by
    /// hand (no container to ask) calls directly.
    /// </summary>
    private static bool UsesBatches(EventBatchingMode mode, IServiceProviderIsService? services) => mode switch
    {
        EventBatchingMode.Enabled => true,
        EventBatchingMode.Disabled => false,
        _ => services is not null && !services.IsService(typeof(Orleans.Runtime.ILocalSiloDetails)),
    };

    private EventBatcher NewBatcher(Orleans.Serialization.Serializer? serializer)
    {
        var link = new Lazy<ISocketLinkGrain>(() => _grains.GetGrain<ISocketLinkGrain>(GatewayId));
        Func<EventBatch, Task<EventBatchResult>> byGrainCall = batch => link.Value.HandleEvents(batch);
        if (Options.EventBatching.Transport != EventBatchTransport.EventLink) return new EventBatcher(byGrainCall, Options.EventBatching, Meters, _time);
        EventLink = new EventLinkClient(() => link.Value.GetEventLinkEndpoint(), byGrainCall,
            serializer ?? throw new InvalidOperationException("The event link needs Orleans' serializer (an Orleans client or silo in the container)."),
            Options.EventBatching, _time, _loggers.CreateLogger<EventLinkClient>());
        return new EventBatcher(EventLink.SendAsync, Options.EventBatching, Meters, _time);
    }

    /// <summary>The gateway's end of a silo's event link, when batches travel over one (<see cref="EventBatchTransport.EventLink"/>).</summary>
    public EventLinkClient? EventLink { get; private set; }

    /// <summary>The gateway's instruments (none in tests that build the server by hand).</summary>
    public SocketIOMeters? Meters { get; }

    /// <summary>
    /// Told of each broadcast packet written to a socket of this gateway (the Admin UI's development mode, where Node's
    /// adapter notifies each recipient's outgoing listeners); null: nobody. The socket grains tell it of their own emits.
    /// </summary>
    internal Grains.Sockets.ISocketActivity? Activity { get; }

    /// <summary>An Engine.IO connection of this gateway closed, for the reason given (the Admin UI's stats count them by
    /// reason, as Node's <c>rawDisconnection</c>); raised on the closing thread.</summary>
    internal event Action<EngineCloseReason>? ConnectionClosed;

    internal void OnConnectionClosed(EngineCloseReason reason) => ConnectionClosed?.Invoke(reason);

    /// <summary>Connection state recovery (<see cref="ConnectionStateRecoveryOptions.Enabled"/>, set alike on gateways and
    /// silos): when off, a CONNECT's <c>pid</c> and <c>offset</c> are ordinary auth fields and nothing is looked up.</summary>
    public bool RecoveryEnabled { get; }

    /// <summary>Unique per gateway process: grains address this gateway by it.</summary>
    public string GatewayId { get; } = Membership.GatewayMembership.NewId();

    public int SocketCount => _sockets.Count;

    /// <summary>This gateway's sockets as the adapter reaches them (which are in which rooms): broadcasts resolve their
    /// targets here once the node is attached to the adapter.</summary>
    public AdapterNode Index { get; }

    public IEngineListener OnOpen(IEngineConnection connection) =>
        new ClientSession(this, connection, _loggers.CreateLogger<ClientSession>());

    /// <summary>A socket with the given id (a recovering session), or null when that id is in use here.</summary>
    public NamespaceSocket? CreateSocket(ClientSession session, string ns, string id)
    {
        var socket = new NamespaceSocket(session, id, ns, _grains.GetGrain<ISocketGrain>(id), _logger, _time, Batcher, Options.MaxEventsPerSocketCall,
            Options.PostedEventTimeout, Options.InlineStatelessHandlers);
        if (!_sockets.TryAdd(id, socket)) return null;
        Meters?.SocketAdded(ns);
        return socket;
    }

    public NamespaceSocket CreateSocket(ClientSession session, string ns)
    {
        // Protocol v4 clients (socket.io 2.x) compute their socket id themselves (the CONNECT reply carries none).
        var compatible = session.Revision.ClientComputedSocketId(ns, session.Connection.Id);
        while (true)
        {
            var id = compatible ?? SocketIds.New();
            compatible = null; // taken (the same namespace again on this connection, before the old socket left): a fresh id
            var socket = new NamespaceSocket(session, id, ns, _grains.GetGrain<ISocketGrain>(id), _logger, _time, Batcher, Options.MaxEventsPerSocketCall,
            Options.PostedEventTimeout, Options.InlineStatelessHandlers);
            if (!_sockets.TryAdd(id, socket)) continue;
            Meters?.SocketAdded(ns);
            return socket;
        }
    }

    /// <summary>How grains reach this gateway.</summary>
    public IGatewayObserver ObserverReference => _observerReference.Value;

    public SocketConnectRequest ConnectRequest(string ns, HandshakeInfo handshake) =>
        new(ns, GatewayId, _observerReference.Value, handshake);

    public void Unregister(NamespaceSocket socket)
    {
        if (_sockets.TryRemove(new(socket.Id, socket))) Meters?.SocketRemoved(socket.Namespace);
    }

    public NamespaceSocket? Find(string socketId) => _sockets.GetValueOrDefault(socketId);

    /// <summary>Every namespace socket of this gateway.</summary>
    public IReadOnlyCollection<NamespaceSocket> Sockets => [.. _sockets.Values];

    private int _closing;
    private int _closedWhileStopping;
    private readonly CancellationToken _stopping;

    /// <summary>
    /// Sockets that closed once the host began stopping: what a drain closed. Counted as they close because the
    /// Engine.IO endpoint closes every session on <c>ApplicationStopping</c>, before the hosted services stop.
    /// </summary>
    public int ClosedWhileStopping => Volatile.Read(ref _closedWhileStopping);

    /// <summary>A socket closed; its grain is still to be told.</summary>
    internal void ClosingStarted()
    {
        Interlocked.Increment(ref _closing);
        if (_stopping.IsCancellationRequested) Interlocked.Increment(ref _closedWhileStopping);
    }

    internal void ClosingDone() => Interlocked.Decrement(ref _closing);

    /// <summary>No socket has a grain call queued or running, and every closed socket's grain was told.</summary>
    public bool IsQuiet => Volatile.Read(ref _closing) == 0 && _sockets.Values.All(s => s.IsIdle);

    /// <summary>
    /// Closes every client connection (Engine.IO close packet after what is queued: clients see a transport close
    /// and reconnect, to another gateway behind a load balancer). Each socket's grain is told it left.
    /// </summary>
    public void CloseAllConnections()
    {
        foreach (var session in _sockets.Values.Select(s => s.Connection).Distinct()) session.Close();
    }

    /// <summary>Waits until no socket is left and every closed socket's grain was told, or the timeout passed.</summary>
    /// <returns>Whether everything was closed in time.</returns>
    public async Task<bool> WaitUntilDrainedAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (!_sockets.IsEmpty || Volatile.Read(ref _closing) > 0)
        {
            if (_time.GetUtcNow() >= deadline) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellation);
        }
        return true;
    }
}
