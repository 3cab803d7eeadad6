using System.Text;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Tests.Handlers;

/// <summary>Records what handlers do with their socket.</summary>
public sealed class FakeSocket : ISocket
{
    public FakeSocket(string ns = "/", string authJson = "{}", string id = "sock-1")
    {
        Id = id;
        Namespace = ns;
        Handshake = new HandshakeInfo
        {
            Headers = new Dictionary<string, string>(),
            Query = new Dictionary<string, string>(),
            AuthJson = Encoding.UTF8.GetBytes(authJson),
        };
    }

    public string Id { get; }
    public string Namespace { get; }
    public HandshakeInfo Handshake { get; }
    public IDictionary<string, object?> Session { get; } = new Dictionary<string, object?>();
    public string? UserId { get; set; }
    public bool Recovered => false;
    public string Transport => "websocket";

    public List<(string Event, object?[] Args)> Emitted { get; } = [];
    private readonly HashSet<string> _rooms = [];
    public IReadOnlyCollection<string> Rooms => _rooms;

    public Task JoinAsync(params string[] rooms)
    {
        _rooms.UnionWith(rooms);
        return Task.CompletedTask;
    }

    public Task LeaveAsync(params string[] rooms)
    {
        _rooms.ExceptWith(rooms);
        return Task.CompletedTask;
    }

    // Broadcasting needs a cluster: the handler-layer tests do not use it (the grain tests do).
    public IBroadcast To(params string[] rooms) => throw new NotSupportedException("FakeSocket has no cluster.");
    public IBroadcast Broadcast => throw new NotSupportedException("FakeSocket has no cluster.");
    public ISocketIO Server => throw new NotSupportedException("FakeSocket has no cluster.");
    public bool DisconnectCalled { get; private set; }

    public Task EmitAsync(string eventName, SocketPayload payload)
    {
        Emitted.Add((eventName, PayloadSerializer.ToJsonArgs(payload).Cast<object?>().ToArray()));
        return Task.CompletedTask;
    }

    public Task EmitAsync(string eventName, params object?[] args)
    {
        Emitted.Add((eventName, args));
        return Task.CompletedTask;
    }

    public Task<ClientAck> EmitWithAckAsync(string eventName, TimeSpan timeout, SocketPayload payload) =>
        EmitWithAckAsync(eventName, timeout, PayloadSerializer.ToJsonArgs(payload).Cast<object?>().ToArray());

    public Task<ClientAck> EmitWithAckAsync(string eventName, TimeSpan timeout, params object?[] args)
    {
        Emitted.Add((eventName, args));
        return Task.FromResult(new ClientAck(SocketPayload.Empty));
    }

    public Task SendAsync(object? data, bool json = false) => EmitAsync(json ? "json" : "message", data);

    public Task DisconnectAsync(bool closeConnection = false)
    {
        DisconnectCalled = true;
        return Task.CompletedTask;
    }
}
