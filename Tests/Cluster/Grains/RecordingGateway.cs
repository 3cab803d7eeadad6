using System.Collections.Concurrent;
using System.Text;

namespace OrleansSocket.Tests.Grains;

/// <summary>A gateway observer that records what grains send and answers acks as a client would.</summary>
internal sealed class RecordingGateway : IGatewayObserver
{
    internal ConcurrentQueue<(string Socket, OutboundPacket Packet)> Sent { get; } = new();
    public ConcurrentQueue<(string Socket, bool Close)> Disconnects { get; } = new();
    internal Func<OutboundPacket, SocketPayload> AckAnswer { get; set; } = _ => new SocketPayload("[\"because\"]"u8.ToArray());

    public Task Send(string socketId, OutboundPacket packet)
    {
        Sent.Enqueue((socketId, packet));
        return Task.CompletedTask;
    }

    private long _lastAckId;
    private readonly ConcurrentDictionary<long, OutboundPacket> _expectingAck = new();

    public Task<long> SendExpectingAck(string socketId, OutboundPacket packet, TimeSpan timeout)
    {
        Sent.Enqueue((socketId, packet));
        var id = Interlocked.Increment(ref _lastAckId);
        _expectingAck[id] = packet;
        return Task.FromResult(id);
    }

    public Task<SocketPayload> AckOf(string socketId, long ackId) =>
        _expectingAck.TryRemove(ackId, out var packet)
            ? Task.FromResult(AckAnswer(packet))
            : Task.FromException<SocketPayload>(new InvalidOperationException($"No emit waits for ack {ackId}."));

    /// <summary>Acks of handlers that answered after their HandleEvent call returned.</summary>
    public ConcurrentQueue<(string Socket, long AckId, SocketPayload Payload)> LateAcks { get; } = new();

    public Task Ack(string socketId, long ackId, SocketPayload payload)
    {
        LateAcks.Enqueue((socketId, ackId, payload));
        return Task.CompletedTask;
    }

    public ConcurrentQueue<(string Socket, string[] Joined, string[] Left)> RoomChanges { get; } = new();

    public Task RoomsChanged(string socketId, string[] joined, string[] left)
    {
        RoomChanges.Enqueue((socketId, joined, left));
        return Task.CompletedTask;
    }

    private int _pings;

    /// <summary>How often the gateway membership pinged this gateway (to confirm a missed lease).</summary>
    public int Pings => Volatile.Read(ref _pings);

    public Task Ping()
    {
        Interlocked.Increment(ref _pings);
        return Task.CompletedTask;
    }

    public ConcurrentQueue<(string Socket, string? User)> UserChanges { get; } = new();

    public Task UserChanged(string socketId, string? userId)
    {
        UserChanges.Enqueue((socketId, userId));
        return Task.CompletedTask;
    }

    public Task Disconnect(string socketId, bool closeConnection)
    {
        Disconnects.Enqueue((socketId, closeConnection));
        return Task.CompletedTask;
    }

    public ConcurrentQueue<(string Socket, string ConnectionId)> Superseded { get; } = new();

    private readonly SemaphoreSlim _supersededSignal = new(0);

    public Task Supersede(string socketId, string connectionId)
    {
        Superseded.Enqueue((socketId, connectionId));
        _supersededSignal.Release();
        return Task.CompletedTask;
    }

    /// <summary>Supersede is a one-way call: it can arrive after the take-over's answer. Waits for the next one.</summary>
    public async Task<(string Socket, string ConnectionId)> NextSupersededAsync()
    {
        Assert.True(await _supersededSignal.WaitAsync(TimeSpan.FromSeconds(10)), "no Supersede call arrived");
        return Superseded.Last();
    }

    public static string Json(SocketPayload payload) => Encoding.UTF8.GetString(payload.ArgsJson);
}
