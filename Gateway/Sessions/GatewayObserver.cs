namespace OrleansSocket.Gateway.Sessions;

/// <summary>What grains call to reach the sockets this gateway holds. A socket that is gone is skipped quietly.</summary>
internal sealed class GatewayObserver(SocketIOServer server) : IGatewayObserver
{
    public Task Send(string socketId, OutboundPacket packet)
    {
        server.Find(socketId)?.Deliver(packet);
        return Task.CompletedTask;
    }

    public Task<long> SendExpectingAck(string socketId, OutboundPacket packet, TimeSpan timeout) =>
        server.Find(socketId) is { } socket
            ? Task.FromResult(socket.DeliverExpectingAck(packet, timeout))
            : Task.FromException<long>(new InvalidOperationException($"Socket {socketId} is not connected."));

    public Task<SocketPayload> AckOf(string socketId, long ackId) =>
        server.Find(socketId) is { } socket
            ? socket.AckOf(ackId)
            : Task.FromException<SocketPayload>(new InvalidOperationException($"Socket {socketId} is not connected."));

    public Task Ack(string socketId, long ackId, SocketPayload payload)
    {
        server.Find(socketId)?.SendAck(ackId, payload);
        return Task.CompletedTask;
    }

    public Task RoomsChanged(string socketId, string[] joined, string[] left)
    {
        if (server.Find(socketId) is { } socket)
        {
            if (joined.Length > 0) server.Index.Join(socket, joined);
            if (left.Length > 0) server.Index.Leave(socket, left);
        }
        return Task.CompletedTask;
    }

    public Task Ping() => Task.CompletedTask;

    public Task UserChanged(string socketId, string? userId)
    {
        if (server.Find(socketId) is { } socket) socket.UserId = userId;
        return Task.CompletedTask;
    }

    public Task Supersede(string socketId, string connectionId)
    {
        if (server.Find(socketId) is { } socket && socket.ConnectionId == connectionId) socket.Connection.Supersede(socket);
        return Task.CompletedTask;
    }

    public Task Disconnect(string socketId, bool closeConnection)
    {
        if (server.Find(socketId) is { } socket) socket.ServerDisconnect(closeConnection);
        return Task.CompletedTask;
    }
}
