using Microsoft.Extensions.Logging;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// One Engine.IO connection seen by Socket.IO (Node's <c>Client</c>): decodes packets and
/// demultiplexes them to the namespace sockets multiplexed on this connection.
/// </summary>
internal sealed class ClientSession : IEngineListener
{
    private readonly SocketIOServer _server;
    private readonly IEngineConnection _connection;
    private readonly SocketIODecoder _decoder;
    private readonly ILogger _logger;
    private readonly Dictionary<string, NamespaceSocket> _namespaces = [];
    private readonly Timer? _connectTimer;
    private bool _closed;

    public ClientSession(SocketIOServer server, IEngineConnection connection, ILogger logger)
    {
        _server = server;
        _connection = connection;
        _logger = logger;
        // Engine.IO 3 carries Socket.IO protocol v4 (socket.io 2.x clients); Engine.IO 4 carries v5.
        Protocol = connection.ProtocolVersion == 3 ? 4 : 5;
        _decoder = new SocketIODecoder(Protocol, server.Options.Parser);
        Writer = new PacketWriter(connection, Protocol);
        if (Protocol == 4)
        {
            // v4 clients are connected to "/" without asking, with no auth (Node gives `{}`;
            // their query string stays in the handshake's query).
            ConnectNamespace("/", ReadOnlyMemory<byte>.Empty);
        }
        else
        {
            _connectTimer = new Timer(_ => OnConnectTimeout(), null, server.Options.ConnectTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    public int Protocol { get; }
    public PacketWriter Writer { get; }
    public IEngineConnection Connection => _connection;
    public SocketIOServer Server => _server;

    public void OnMessage(ReadOnlyMemory<byte> data, bool isBinary)
    {
        SocketIOPacket? packet;
        try
        {
            packet = isBinary ? _decoder.DecodeBinary(data.Span) : _decoder.DecodeText(data.Span);
        }
        catch (SocketIODecodeException ex)
        {
            // As Node: a packet that cannot be decoded ends the connection, and nothing else.
            _logger.LogInformation("Connection {Sid}: closing on a bad packet: {Error}", _connection.Id, ex.Message);
            _connection.Close();
            return;
        }
        if (packet is not null) Handle(packet);
    }

    /// <summary>The connection upgraded: its sockets' grains learn the new transport, in line with their events.</summary>
    public void OnUpgrade(string transport)
    {
        NamespaceSocket[] sockets;
        lock (_namespaces) sockets = [.. _namespaces.Values];
        foreach (var socket in sockets) socket.EnqueueTransport(transport);
    }

    public void OnClose(string reason)
    {
        NamespaceSocket[] sockets;
        lock (_namespaces)
        {
            if (_closed) return;
            _closed = true;
            sockets = [.. _namespaces.Values];
            _namespaces.Clear();
        }
        _connectTimer?.Dispose();
        foreach (var socket in sockets)
        {
            _server.Unregister(socket);
            socket.Close(reason);
        }
    }

    private void Handle(SocketIOPacket packet)
    {
        switch (packet.Type)
        {
            case SocketIOPacketType.Connect:
                ConnectNamespace(packet.Namespace,
                    Protocol == 4 ? HandshakeFactory.QueryToAuthJson(packet.Query) : packet.Data);
                break;
            case SocketIOPacketType.Event:
            case SocketIOPacketType.BinaryEvent:
                if (Find(packet.Namespace) is { } target)
                    target.EnqueueEvent(new ClientEvent(packet.EventName!, ToPayload(packet), packet.Id.HasValue) { AckId = packet.Id }, packet.Id);
                break;
            case SocketIOPacketType.Ack:
            case SocketIOPacketType.BinaryAck:
                if (packet.Id is { } id) Find(packet.Namespace)?.OnAck(id, ToPayload(packet));
                break;
            case SocketIOPacketType.Disconnect:
                if (Remove(packet.Namespace) is { } leaving)
                {
                    _server.Unregister(leaving);
                    leaving.Close("client namespace disconnect");
                }
                break;
            default:
                // CONNECT_ERROR is server-to-client only.
                _logger.LogInformation("Connection {Sid}: closing on unexpected packet type {Type}", _connection.Id, packet.Type);
                _connection.Close();
                break;
        }
    }

    private static SocketPayload ToPayload(SocketIOPacket packet) =>
        new(packet.Args.ToArray(), packet.Attachments.Count == 0 ? null : [.. packet.Attachments]);

    private void ConnectNamespace(string ns, ReadOnlyMemory<byte> authJson)
    {
        var request = _server.ConnectRequest(ns, HandshakeFactory.Create(_connection, authJson));
        // A v5 client that had a session sends its private id and last offset (connection state recovery).
        if (Protocol == 5 && RecoveryAuth.TryRead(authJson.Span, out var pid, out var offset))
        {
            var sid = pid[..pid.IndexOf('.')];
            NamespaceSocket? recovering;
            lock (_namespaces)
            {
                if (_closed || _namespaces.ContainsKey(ns)) return;
                recovering = _server.CreateSocket(this, ns, sid);
                if (recovering is not null) _namespaces[ns] = recovering;
            }
            if (recovering is not null)
            {
                _connectTimer?.Change(Timeout.Infinite, Timeout.Infinite);
                recovering.EnqueueRecover(request with { RecoveryPid = pid, RecoveryOffset = offset });
                return;
            }
        }
        Connect(ns, request);
    }

    /// <summary>The session could not be recovered: the same CONNECT, as a new socket.</summary>
    public void ConnectAfterFailedRecovery(NamespaceSocket failed, SocketConnectRequest request)
    {
        lock (_namespaces)
        {
            if (_namespaces.TryGetValue(failed.Namespace, out var current) && current == failed)
                _namespaces.Remove(failed.Namespace);
        }
        Connect(request.Namespace, request with { RecoveryPid = null, RecoveryOffset = null });
    }

    private void Connect(string ns, SocketConnectRequest request)
    {
        NamespaceSocket socket;
        lock (_namespaces)
        {
            if (_closed || _namespaces.ContainsKey(ns)) return;
            socket = _server.CreateSocket(this, ns);
            _namespaces[ns] = socket;
        }
        _connectTimer?.Change(Timeout.Infinite, Timeout.Infinite);
        socket.EnqueueConnect(request);
    }

    private void OnConnectTimeout()
    {
        bool any;
        lock (_namespaces) any = _namespaces.Count > 0;
        if (!any)
        {
            _logger.LogInformation("Connection {Sid}: no namespace joined in time, closing", _connection.Id);
            _connection.Close();
        }
    }

    private NamespaceSocket? Find(string ns)
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
