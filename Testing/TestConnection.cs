using System.Text.Json;

namespace OrleansSocket.Testing;

/// <summary>
/// One fake Engine.IO connection: its handshake (headers, query) and the namespace sockets multiplexed on it,
/// as the gateway's <c>ClientSession</c> keeps them.
/// </summary>
internal sealed class TestConnection(SocketIOTestServer server, TestGateway gateway,
    IReadOnlyDictionary<string, string> headers, IReadOnlyDictionary<string, string> query)
{
    private static readonly JsonSerializerOptions AuthOptions = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<string, SocketIOTestClient> _namespaces = [];
    private readonly DateTimeOffset _issued = DateTimeOffset.UtcNow;
    private bool _closed;

    public SocketIOTestServer Server => server;
    public TestGateway Gateway => gateway;

    public async Task<SocketIOTestClient> ConnectAsync(string ns, object? auth)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        if (!ns.StartsWith('/')) ns = "/" + ns;
        var handshake = Handshake(auth);
        SocketIOTestClient socket;
        lock (_namespaces)
        {
            if (_closed) throw new InvalidOperationException("The connection is closed.");
            if (_namespaces.ContainsKey(ns)) throw new InvalidOperationException($"This connection is already connected to {ns}.");
            socket = gateway.CreateSocket(this, ns);
            _namespaces[ns] = socket;
        }
        await socket.Connect(gateway.ConnectRequest(ns, handshake));
        await server.FlushAsync();
        return socket;
    }

    /// <summary>A refused or disconnected socket leaves the connection.</summary>
    public void Forget(SocketIOTestClient socket)
    {
        lock (_namespaces)
        {
            if (_namespaces.TryGetValue(socket.Namespace, out var current) && current == socket)
                _namespaces.Remove(socket.Namespace);
        }
        gateway.Unregister(socket);
    }

    /// <summary>The connection ends under its sockets: each disconnect handler gets <paramref name="reason"/>.</summary>
    public void Close(string reason)
    {
        SocketIOTestClient[] sockets;
        lock (_namespaces)
        {
            if (_closed) return;
            _closed = true;
            sockets = [.. _namespaces.Values];
            _namespaces.Clear();
        }
        foreach (var socket in sockets) socket.ConnectionClosed(reason);
    }

    public async Task CloseAsync()
    {
        Close("transport close");
        await server.FlushAsync();
    }

    private HandshakeInfo Handshake(object? auth)
    {
        var fullQuery = new Dictionary<string, string>(query) { ["EIO"] = "4", ["transport"] = "websocket" };
        return new HandshakeInfo
        {
            Headers = headers,
            Query = fullQuery,
            AuthJson = auth switch
            {
                null => "{}"u8.ToArray(),
                JsonElement e => JsonSerializer.SerializeToUtf8Bytes(e),
                _ => JsonSerializer.SerializeToUtf8Bytes(auth, auth.GetType(), AuthOptions),
            },
            RemoteAddress = "127.0.0.1",
            EngineIOVersion = 4,
            Transport = "websocket",
            Url = "/socket.io/?" + string.Join("&", fullQuery.Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value)}")),
            Issued = _issued,
        };
    }
}
