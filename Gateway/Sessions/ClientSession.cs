using System.Runtime.InteropServices;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// One Engine.IO connection seen by Socket.IO (Node's <c>Client</c>): decodes packets and
/// demultiplexes them to the namespace sockets multiplexed on this connection.
/// </summary>
internal sealed class ClientSession : IEngineListener, ISocketConnection
{
    private readonly SocketIOServer _server;
    private readonly IEngineConnection _connection;
    private readonly SocketIODecoder _decoder;
    private readonly ILogger _logger;
    private readonly Dictionary<string, NamespaceSocket> _namespaces = [];
    // Disposed (not just stopped) once a namespace connects, as Node clears it: an idle connection holds no timer.
    private Timer? _connectTimer;
    private bool _closed;

    public ClientSession(SocketIOServer server, IEngineConnection connection, ILogger logger)
    {
        _server = server;
        _connection = connection;
        _logger = logger;
        // The one place the protocol revision is asked: Engine.IO 3 carries Socket.IO v4 (socket.io 2.x), Engine.IO 4 v5.
        Revision = SocketIORevision.ForEngine(connection.ProtocolVersion);
        _decoder = new SocketIODecoder(Revision, server.Options.Parser, keepEventData: false);
        Inbound = new InboundBudget(server.Options.MaxInboundPackets, server.Options.MaxInboundBytes);
        Writer = new PacketWriter(connection, Revision.Protocol, server.Meters);
        _openedOn = connection.Transport;
        server.Meters?.ConnectionOpened(_openedOn, connection.ProtocolVersion);
        if (Revision.ConnectsMainNamespaceAtOpen)
        {
            // v4 clients are connected to "/" without asking, with no auth (Node gives `{}`;
            // their query string stays in the handshake's query).
            ConnectNamespace("/", ReadOnlyMemory<byte>.Empty, charge: 0);
        }
        else
        {
            _connectTimer = new Timer(_ => OnConnectTimeout(), null, server.Options.ConnectTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    private readonly string _openedOn; // the transport the connection opened on: its metric series

    /// <summary>What differs between Socket.IO protocols 4 and 5, for this connection.</summary>
    public SocketIORevision Revision { get; }
    public PacketWriter Writer { get; }

    public Grains.Sockets.ISocketActivity? Activity => _server.Activity;
    public IEngineConnection Connection => _connection;
    public SocketIOServer Server => _server;

    /// <summary>What this connection holds of its client's input (bounded: the transport waits for room).</summary>
    public InboundBudget Inbound { get; }

    IInboundCharges ISocketConnection.Inbound => Inbound;

    IEngineInbound IEngineListener.Inbound => Inbound;

    void ISocketConnection.Accepted(NamespaceSocket socket) => _server.Index.Add(socket);

    void ISocketConnection.LeftRooms(NamespaceSocket socket) => _server.Index.Remove(socket);

    void ISocketConnection.Unregister(NamespaceSocket socket) => _server.Unregister(socket);

    void ISocketConnection.ClosingStarted() => _server.ClosingStarted();

    void ISocketConnection.ClosingDone() => _server.ClosingDone();

    void ISocketConnection.Close() => _connection.Close();

    public void OnMessage(ReadOnlyMemory<byte> data, bool isBinary)
    {
        // The bytes this message completes a packet with: a binary packet's text frame and attachments count together.
        var pendingBefore = _decoder.PendingBytes;
        var bytes = pendingBefore + data.Length;
        _server.Meters?.BytesReceived(data.Length);
        SocketIOPacket? packet;
        try
        {
            packet = isBinary ? _decoder.DecodeBinary(data.Span) : _decoder.DecodeText(data.Span);
        }
        catch (SocketIODecodeException ex)
        {
            // As Node: a packet that cannot be decoded ends the connection, and nothing else.
            SessionLog.BadPacket(_logger, _connection.Id, ex.Message);
            Inbound.SetPending(0);
            _connection.Close();
            return;
        }
        // A binary packet being reassembled holds its bytes so far; most messages neither start nor finish one.
        if (pendingBefore != 0 || _decoder.PendingBytes != 0) Inbound.SetPending(_decoder.PendingBytes);
        if (packet is null) return;

        // The packet is charged its bytes to Inbound while its grain call is queued or running.
        switch (packet.Type)
        {
            case SocketIOPacketType.Event:
            case SocketIOPacketType.BinaryEvent:
                _server.Meters?.EventReceived(packet.Namespace);
                if (Find(packet.Namespace) is { } target)
                    target.EnqueueEvent(new ClientEvent(packet.EventName!, ToPayload(packet), packet.Id.HasValue) { AckId = packet.Id }, packet.Id, bytes);
                break;
            case SocketIOPacketType.Ack:
            case SocketIOPacketType.BinaryAck:
                if (packet.Id is { } id) Find(packet.Namespace)?.OnAck(id, ToPayload(packet));
                break;
            case SocketIOPacketType.Connect:
                ConnectNamespace(packet.Namespace, Revision.ConnectAuth(packet), bytes);
                break;
            case SocketIOPacketType.Disconnect:
                if (Remove(packet.Namespace) is { } leaving)
                {
                    leaving.Close(DisconnectReason.ClientNamespaceDisconnect);
                    _server.Unregister(leaving);
                }
                break;
            default:
                // CONNECT_ERROR is server-to-client only.
                SessionLog.UnexpectedPacket(_logger, _connection.Id, packet.Type);
                _connection.Close();
                break;
        }
    }

    /// <summary>The connection upgraded: its sockets' grains learn the new transport, in line with their events.</summary>
    public void OnUpgrade(string transport)
    {
        NamespaceSocket[] sockets;
        lock (_namespaces) sockets = [.. _namespaces.Values];
        foreach (var socket in sockets) socket.EnqueueTransport(transport);
    }

    public void OnClose(EngineCloseReason reason)
    {
        NamespaceSocket[] sockets;
        lock (_namespaces)
        {
            if (_closed) return;
            _closed = true;
            sockets = [.. _namespaces.Values];
            _namespaces.Clear();
        }
        _server.Meters?.ConnectionClosed(_openedOn, _connection.ProtocolVersion);
        _server.OnConnectionClosed(reason);
        StopConnectTimer();
        Inbound.Close();
        // Closed (its close counted) before it leaves the table: a drain that finds the table empty and no close
        // outstanding must not look between the two, or it ends before this socket's grain is told.
        foreach (var socket in sockets)
        {
            socket.Close(reason.ToDisconnectReason());
            _server.Unregister(socket);
        }
    }

    /// <summary>
    /// The packet's arguments as the grains get them. The decoder made each arguments array for this packet alone and
    /// never writes it again, so the payload takes it as it is: the packet's bytes are copied once, from the receive buffer.
    /// </summary>
    private static SocketPayload ToPayload(SocketIOPacket packet)
    {
        var args = MemoryMarshal.TryGetArray(packet.Args, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : packet.Args.ToArray();
        var attachments = packet.Attachments switch
        {
            { Count: 0 } => null,
            byte[][] own => own,
            var list => [.. list],
        };
        return new SocketPayload(args, attachments);
    }

    private void ConnectNamespace(string ns, ReadOnlyMemory<byte> authJson, long charge)
    {
        if (ns == WarmUpNamespace.Name && !WarmUp.WarmUpAccess.Admits(_connection.Handshake))
        {
            // Only this process's warm-up joins it; to anyone else it does not exist.
            SessionLog.ConnectRefused(_logger, _connection.Id, ns, "the warm-up namespace");
            Writer.InvalidNamespace(ns, "Invalid namespace");
            return;
        }
        var request = _server.ConnectRequest(ns, HandshakeFactory.Create(_connection, authJson));
        // A v5 client that had a session sends its private id and last offset (connection state recovery). With
        // recovery off they are ordinary auth fields; with it on, only the shapes the server hands out are looked up.
        if (Revision.SupportsRecovery && _server.RecoveryEnabled && RecoveryAuth.Read(authJson.Span, out var pid, out var offset, out var sid) is var recovery
            && recovery != RecoveryAuth.Result.None)
        {
            if (recovery == RecoveryAuth.Result.Malformed)
            {
                SessionLog.MalformedRecovery(_logger, _connection.Id, ns);
                Connect(ns, request, charge);
                return;
            }
            // The session is still held here by an earlier connection (half open, or not yet timed out): the pid is its
            // credential, so that connection leaves and this one takes the session over.
            if (_server.Find(sid) is { } held && held.Connection != this && RecoveryTokens.PidMatches(pid, held.Pid))
                held.Connection.Supersede(held);
            NamespaceSocket? recovering;
            lock (_namespaces)
            {
                if (_closed || _namespaces.ContainsKey(ns)) return;
                recovering = _server.CreateSocket(this, ns, sid);
                if (recovering is not null) _namespaces[ns] = recovering;
            }
            if (recovering is not null)
            {
                StopConnectTimer();
                recovering.EnqueueRecover(request with { RecoveryPid = pid, RecoveryOffset = offset, ConnectionId = recovering.ConnectionId }, charge);
                return;
            }
        }
        Connect(ns, request, charge);
    }

    /// <summary>The session could not be recovered: the same CONNECT, as a new socket.</summary>
    public void ConnectAfterFailedRecovery(NamespaceSocket failed, SocketConnectRequest request)
    {
        lock (_namespaces)
        {
            if (_namespaces.TryGetValue(failed.Namespace, out var current) && current == failed)
                _namespaces.Remove(failed.Namespace);
        }
        Connect(request.Namespace, request with { RecoveryPid = null, RecoveryOffset = null }, charge: 0);
    }

    private void Connect(string ns, SocketConnectRequest request, long charge)
    {
        NamespaceSocket socket;
        lock (_namespaces)
        {
            if (_closed || _namespaces.ContainsKey(ns)) return;
            socket = _server.CreateSocket(this, ns);
            _namespaces[ns] = socket;
        }
        StopConnectTimer();
        socket.EnqueueConnect(request with { ConnectionId = socket.ConnectionId }, charge);
    }

    /// <summary>
    /// A recovering connection took the session of <paramref name="socket"/> over: the socket leaves at once (its grain
    /// is told, and ignores it once taken over) and this connection, which the client has left, is closed.
    /// </summary>
    public void Supersede(NamespaceSocket socket)
    {
        socket.Close(DisconnectReason.TransportClose);
        Forget(socket);
        _connection.Close();
    }

    private void StopConnectTimer() => Interlocked.Exchange(ref _connectTimer, null)?.Dispose();

    private void OnConnectTimeout()
    {
        bool any;
        lock (_namespaces) any = _namespaces.Count > 0;
        if (!any)
        {
            SessionLog.ConnectTimeout(_logger, _connection.Id);
            _connection.Close();
        }
    }

    /// <summary>The socket of namespace <paramref name="ns"/> on this connection (connecting or connected), if any.</summary>
    public NamespaceSocket? Find(string ns)
    {
        lock (_namespaces) return _namespaces.GetValueOrDefault(ns);
    }

    private NamespaceSocket? Remove(string ns)
    {
        lock (_namespaces) return _namespaces.Remove(ns, out var s) ? s : null;
    }

    /// <summary>A refused or server-disconnected socket leaves this connection.</summary>
    public void Forget(NamespaceSocket socket)
    {
        lock (_namespaces)
        {
            if (_namespaces.TryGetValue(socket.Namespace, out var current) && current == socket)
                _namespaces.Remove(socket.Namespace);
        }
        _server.Unregister(socket);
    }
}
