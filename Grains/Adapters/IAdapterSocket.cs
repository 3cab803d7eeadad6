using OrleansSocket.Grains.Fanout;

namespace OrleansSocket.Grains.Adapters;

/// <summary>A connected socket as the <see cref="InProcessAdapter"/> holds it: what a broadcast needs from it.</summary>
public interface IAdapterSocket : ILocalSocket
{
    /// <summary>The user the socket belongs to, for <see cref="BroadcastOptions.Users"/>; null: none.</summary>
    string? UserId { get; }

    /// <summary>Writes a packet to the client; a volatile one is dropped when the client cannot take it now.</summary>
    void Deliver(OutboundPacket packet);

    /// <summary>Writes a packet with an ack; completes with the client's answer (the adapter applies the timeout).</summary>
    /// <exception cref="InvalidOperationException">the socket is no longer connected.</exception>
    Task<SocketPayload> DeliverWithAckAsync(OutboundPacket packet);

    /// <summary>The server disconnects the socket (and its connection when <paramref name="closeConnection"/>).</summary>
    Task DisconnectAsync(bool closeConnection);

    /// <summary>The socket as <see cref="SocketIOAdapter.FetchSocketsAsync"/> returns it, in <paramref name="rooms"/>.</summary>
    RemoteSocket Describe(string[] rooms);
}
