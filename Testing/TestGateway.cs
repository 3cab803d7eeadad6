using OrleansSocket.Grains.Fanout;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Streams;

namespace OrleansSocket.Testing;

/// <summary>
/// A gateway without HTTP, held by the test cluster's client: grains reach its sockets through
/// <see cref="IGatewayObserver"/>, and broadcasts arrive on its own stream <see cref="GatewayStreams.For"/>,
/// resolved against its local room index, exactly as on the real gateway.
/// </summary>
internal sealed class TestGateway : IGatewayObserver
{
    /// <summary>Marks the flush messages this gateway sends itself; no real namespace starts with a NUL.</summary>
    private const string FlushMarker = "\0flush";

    private readonly IClusterClient _client;
    private readonly ConcurrentDictionary<string, SocketIOTestClient> _sockets = new();
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _flushes = new();
    private readonly ILogger _logger;
    private readonly IAsyncStream<GatewayBroadcast> _stream;
    private IGatewayObserver? _reference;
    private StreamSubscriptionHandle<GatewayBroadcast>? _subscription;

    private TestGateway(IClusterClient client)
    {
        _client = client;
        _logger = client.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger<TestGateway>() ?? NullLogger<TestGateway>.Instance;
        _stream = client.GetStreamProvider(GatewayStreams.Provider).GetStream<GatewayBroadcast>(GatewayStreams.For(Id));
    }

    /// <summary>Unique per test gateway: grains address it by this id.</summary>
    public string Id { get; } = Guid.NewGuid().ToString("N");

    public LocalRoomIndex<SocketIOTestClient> Index { get; } = new();

    public static async Task<TestGateway> StartAsync(IClusterClient client)
    {
        var gateway = new TestGateway(client);
        gateway._reference = client.CreateObjectReference<IGatewayObserver>(gateway);
        gateway._subscription = await gateway._stream.SubscribeAsync(gateway.OnNext);
        return gateway;
    }

    public async Task StopAsync()
    {
        if (_subscription is { } subscription) await subscription.UnsubscribeAsync();
        if (_reference is { } reference) _client.DeleteObjectReference<IGatewayObserver>(reference);
    }

    public SocketIOTestClient CreateSocket(TestConnection connection, string ns)
    {
        while (true)
        {
            var id = NewSocketId();
            var socket = new SocketIOTestClient(connection, id, ns, _client.GetGrain<ISocketGrain>(id));
            if (_sockets.TryAdd(id, socket)) return socket;
        }
    }

    public SocketConnectRequest ConnectRequest(string ns, HandshakeInfo handshake) => new(ns, Id, _reference!, handshake);

    public void Unregister(SocketIOTestClient socket) => _sockets.TryRemove(new(socket.Id, socket));

    /// <summary>Completes once every broadcast published to this gateway before the call has been delivered:
    /// the marker travels the same stream (one queue, in order) behind them.</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        var id = Guid.NewGuid();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _flushes[id] = done;
        try
        {
            await _stream.OnNextAsync(new GatewayBroadcast(FlushMarker, [id.ToString("N")], [],
                new OutboundPacket(FlushMarker, "flush", SocketPayload.Empty)));
            await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Test gateway {Id}: its broadcast stream delivered nothing within {timeout.TotalMilliseconds} ms.");
        }
        finally
        {
            _flushes.TryRemove(id, out _);
        }
    }

    // ---------------- IGatewayObserver: what grains call ----------------

    public Task Send(string socketId, OutboundPacket packet)
    {
        Find(socketId)?.Deliver(new ReceivedEvent(packet.Namespace, packet.Event, packet.Payload, ackRequested: false));
        return Task.CompletedTask;
    }

    public async Task<SocketPayload> SendWithAck(string socketId, OutboundPacket packet, TimeSpan timeout)
    {
        var socket = Find(socketId) ?? throw new InvalidOperationException($"Socket {socketId} is not connected.");
        if (socket.DeliverWithAck(packet) is { } answer) return answer;
        await Task.Delay(timeout);
        throw new TimeoutException($"Socket {socketId} did not acknowledge '{packet.Event}' within {timeout.TotalMilliseconds} ms.");
    }

    public Task Ack(string socketId, long ackId, SocketPayload payload)
    {
        Find(socketId)?.LateAck(ackId, payload);
        return Task.CompletedTask;
    }

    public Task RoomsChanged(string socketId, string[] joined, string[] left)
    {
        if (Find(socketId) is { } socket)
        {
            if (joined.Length > 0) Index.Join(socket, joined);
            if (left.Length > 0) Index.Leave(socket, left);
        }
        return Task.CompletedTask;
    }

    // The test gateway keeps no copy of user ids: it never restores sockets after a silo failure.
    public Task UserChanged(string socketId, string? userId) => Task.CompletedTask;

    public Task Ping() => Task.CompletedTask;

    // Test connections never ask for connection state recovery, so no session of theirs is ever taken over.
    public Task Supersede(string socketId, string connectionId) => Task.CompletedTask;

    public Task Disconnect(string socketId, bool closeConnection)
    {
        Find(socketId)?.ServerDisconnect(closeConnection);
        return Task.CompletedTask;
    }

    // ---------------- broadcasts from the stream ----------------

    private Task OnNext(GatewayBroadcast broadcast, StreamSequenceToken? token)
    {
        if (broadcast.Namespace == FlushMarker)
        {
            if (Guid.TryParse(broadcast.Rooms[0], out var id) && _flushes.TryGetValue(id, out var done)) done.TrySetResult();
            return Task.CompletedTask;
        }
        try
        {
            var targets = Index.Resolve(broadcast.Namespace, broadcast.Rooms, broadcast.ExceptRooms, Find);
            if (broadcast.AckCollector is { } collector)
            {
                // Not awaited, as on the gateway: the next message must not wait for these answers.
                _ = DeliverWithAcks(broadcast, targets, collector);
                return Task.CompletedTask;
            }
            var packet = broadcast.Packet;
            foreach (var socket in targets)
                socket.Deliver(new ReceivedEvent(packet.Namespace, packet.Event, packet.Payload, ackRequested: false));
        }
        catch (Exception e)
        {
            // One bad broadcast must not end the subscription for every later one.
            _logger.LogError(e, "Test gateway {Gateway}: delivering a broadcast to {Namespace} failed", Id, broadcast.Namespace);
        }
        return Task.CompletedTask;
    }

    private async Task DeliverWithAcks(GatewayBroadcast broadcast, List<SocketIOTestClient> targets, Guid collector)
    {
        var replies = new List<SocketAckReply>();
        var unanswered = false;
        foreach (var socket in targets)
        {
            try
            {
                if (socket.DeliverWithAck(broadcast.Packet) is { } answer) replies.Add(new SocketAckReply(socket.Id, answer));
                else unanswered = true;
            }
            catch (Exception)
            {
                unanswered = true; // the socket left, or OnServerAck threw: it counts as not answering
            }
        }
        // The gateway reports when every target answered or timed out.
        if (unanswered) await Task.Delay(broadcast.AckTimeout);
        try
        {
            await _client.GetGrain<IBroadcastAckGrain>(collector).Report(Id, targets.Count, [.. replies]);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Test gateway {Gateway}: could not report broadcast acks to {Collector}", Id, collector);
        }
    }

    private SocketIOTestClient? Find(string socketId) => _sockets.GetValueOrDefault(socketId);

    // 20 base64url characters from a cryptographic RNG, like the gateway's socket ids.
    private static string NewSocketId()
    {
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }
}
