using System.Security.Claims;
using System.Text.Json;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Protocol;
using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Testing;

/// <summary>
/// The client end of one in-memory Engine.IO connection to a test gateway: encodes what its namespace clients
/// send with the real Socket.IO codec, and decodes what the gateway's real session layer sends back, handing each
/// packet to the <see cref="SocketIOTestClient"/> of its namespace.
/// </summary>
internal sealed class TestConnection
{
    private const int Protocol = 5;
    private static readonly JsonSerializerOptions AuthOptions = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, SocketIOTestClient> _namespaces = [];
    private readonly SocketIODecoder _decoder = new(Protocol, new SocketIOParserOptions { MaxAttachments = 1000, MaxPendingBinaryBytes = long.MaxValue });
    private readonly InMemoryEngineConnection _engine;
    private bool _closed;

    public TestConnection(SocketIOTestServer server, TestGateway gateway,
        IReadOnlyDictionary<string, string> headers, IReadOnlyDictionary<string, string> query, ClaimsPrincipal? user)
    {
        Server = server;
        Gateway = gateway;
        var fullQuery = new Dictionary<string, string>(query) { ["EIO"] = "4", ["transport"] = "websocket" };
        var url = "/socket.io/?" + string.Join("&", fullQuery.Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value)}"));
        _engine = new InMemoryEngineConnection(SocketIds.New(),
            new EngineHandshake(headers, fullQuery, "127.0.0.1", url, Secure: false, DateTimeOffset.UtcNow) { User = user },
            FromServer, () => ConnectionClosed());
        Session = (ClientSession)_engine.Open(gateway.Server);
    }

    public SocketIOTestServer Server { get; }
    public TestGateway Gateway { get; }

    /// <summary>The gateway's session of this connection.</summary>
    public ClientSession Session { get; }

    /// <summary>Nothing the client sent waits to be read by the gateway.</summary>
    public bool IsIdle => _engine.IsIdle;

    /// <summary>The connection ended (either side closed it).</summary>
    public bool IsClosed { get { lock (_namespaces) return _closed; } }

    public async Task<SocketIOTestClient> ConnectAsync(string ns, object? auth)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        if (!ns.StartsWith('/')) ns = "/" + ns;
        var socket = new SocketIOTestClient(this, ns);
        lock (_namespaces)
        {
            if (_closed) throw new InvalidOperationException("The connection is closed.");
            if (_namespaces.ContainsKey(ns)) throw new InvalidOperationException($"This connection is already connected to {ns}.");
            _namespaces[ns] = socket;
        }
        var authJson = auth switch
        {
            null => "{}"u8.ToArray(),
            JsonElement e => JsonSerializer.SerializeToUtf8Bytes(e),
            _ => JsonSerializer.SerializeToUtf8Bytes(auth, auth.GetType(), AuthOptions),
        };
        await SendAsync(SocketIOEncoder.Encode(new SocketIOPacket { Type = SocketIOPacketType.Connect, Namespace = ns, Data = authJson }, Protocol));
        // The gateway made the socket while reading CONNECT: its id is known here even when the connection is refused.
        if (Session.Find(ns) is { } created) socket.Id = created.Id;
        await Server.FlushAsync();
        return socket;
    }

    /// <summary>Sends one packet (its text, then its attachments) and completes once the gateway read it.</summary>
    public async Task SendAsync(SocketIOEncodedPacket packet)
    {
        var read = _engine.ReceiveAsync(packet.Text, isBinary: false);
        foreach (var attachment in packet.Binary) read = _engine.ReceiveAsync(attachment, isBinary: true);
        await read;
    }

    /// <summary>Sends one packet without waiting for it to be read: called on the sender's thread, which with the
    /// in-process adapter may be a grain's turn, whose scheduler no continuation must be queued on.</summary>
    private void Post(SocketIOEncodedPacket packet)
    {
        _ = _engine.ReceiveAsync(packet.Text, isBinary: false);
        foreach (var attachment in packet.Binary) _ = _engine.ReceiveAsync(attachment, isBinary: true);
    }

    /// <summary>The socket left this connection (it disconnected, or was refused or disconnected by the server).</summary>
    public void Forget(SocketIOTestClient socket)
    {
        lock (_namespaces)
        {
            if (_namespaces.TryGetValue(socket.Namespace, out var current) && current == socket)
                _namespaces.Remove(socket.Namespace);
        }
    }

    /// <summary>The client drops the connection: each disconnect handler gets <c>transport close</c>.</summary>
    public async Task CloseAsync()
    {
        ConnectionClosed();
        await _engine.CloseFromClientAsync();
        await Server.FlushAsync();
    }

    /// <summary>The connection ended under its sockets (once: a second call finds none left).</summary>
    private void ConnectionClosed()
    {
        List<SocketIOTestClient> left;
        lock (_namespaces)
        {
            _closed = true;
            left = [.. _namespaces.Values];
            _namespaces.Clear();
        }
        left.ForEach(socket => socket.ConnectionClosed());
    }

    /// <summary>A message from the gateway (called one at a time, a packet's attachments right after its text).</summary>
    private void FromServer(ReadOnlyMemory<byte> data, bool isBinary)
    {
        SocketIOPacket? packet;
        try
        {
            packet = isBinary ? _decoder.DecodeBinary(data.Span) : _decoder.DecodeText(data.Span);
        }
        catch (SocketIODecodeException) when (!isBinary && data.Span is [(byte)'2' or (byte)'3', ..])
        {
            // The gateway's decoder is strict about client input: a placeholder object in a text-only packet is refused.
            // From the server it is data (a JsonElement a handler kept from another event), as socket.io-client reads it.
            packet = DecodePlainText(data.Span);
        }
        if (packet is null) return; // attachments to come
        SocketIOTestClient? socket;
        lock (_namespaces) socket = _namespaces.GetValueOrDefault(packet.Namespace);
        if (socket is null) return;
        switch (packet.Type)
        {
            case SocketIOPacketType.Connect:
                socket.Accepted();
                break;
            case SocketIOPacketType.ConnectError:
                Forget(socket);
                socket.Refused(packet.Data);
                break;
            case SocketIOPacketType.Event:
            case SocketIOPacketType.BinaryEvent:
                if (socket.Received(packet.EventName!, ToPayload(packet), packet.Id) is { } answer && packet.Id is { } id)
                    Post(SocketIOEncoder.EncodeAck(packet.Namespace, id, answer.ArgsJson, answer.Attachments));
                break;
            case SocketIOPacketType.Ack:
            case SocketIOPacketType.BinaryAck:
                if (packet.Id is { } ackId) socket.Acknowledged(ackId, ToPayload(packet));
                break;
            case SocketIOPacketType.Disconnect:
                Forget(socket);
                socket.ServerDisconnected();
                break;
        }
    }

    /// <summary>A text EVENT or ACK (<c>2/nsp,12["name",...]</c>), its JSON taken as it is.</summary>
    private static SocketIOPacket DecodePlainText(ReadOnlySpan<byte> text)
    {
        var type = (SocketIOPacketType)(text[0] - '0');
        var i = 1;
        var ns = "/";
        if (i < text.Length && text[i] == '/')
        {
            var comma = text[i..].IndexOf((byte)',');
            ns = System.Text.Encoding.UTF8.GetString(text.Slice(i, comma));
            i += comma + 1;
        }
        long? id = null;
        while (i < text.Length && char.IsAsciiDigit((char)text[i])) id = (id ?? 0) * 10 + (text[i++] - '0');
        using var json = JsonDocument.Parse(text[i..].ToArray());
        var items = json.RootElement.EnumerateArray().Select(e => e.GetRawText()).ToList();
        var isEvent = type == SocketIOPacketType.Event;
        var args = "[" + string.Join(",", isEvent ? items.Skip(1) : items) + "]";
        return new SocketIOPacket
        {
            Type = type,
            Namespace = ns,
            Id = id,
            EventName = isEvent ? json.RootElement[0].GetString() : null,
            Args = System.Text.Encoding.UTF8.GetBytes(args),
        };
    }

    private static SocketPayload ToPayload(SocketIOPacket packet) =>
        new(packet.Args.ToArray(), packet.Attachments.Count == 0 ? null : [.. packet.Attachments]);
}
