using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// Encodes Socket.IO packets for one connection's protocol version and hands the frames to
/// Engine.IO. The only place the session layer touches the codec's encoder.
/// </summary>
internal sealed class PacketWriter(IEngineConnection connection, int protocol, SocketIOMeters? meters = null)
{
    public int Protocol => protocol;

    /// <summary>The gateway's instruments, for the session layer's counts (none in tests that build a writer by hand).</summary>
    public SocketIOMeters? Meters => meters;

    /// <summary>
    /// The packet's frames go as one unit: they do not interleave with another packet's frames, and a volatile
    /// packet is never dropped without its attachments, nor sent without them.
    /// </summary>
    /// <param name="packet">The encoded packet.</param>
    /// <param name="isVolatile">Dropped when the client cannot take it now.</param>
    /// <param name="inline">The calling thread may write it itself when the connection's writer is idle
    /// (<see cref="IEngineConnection.SendInline"/>): for events delivered from the grains, a broadcast's included.</param>
    public bool Write(SocketIOEncodedPacket packet, bool isVolatile = false, bool inline = false)
    {
        var written = inline
            ? connection.SendInline(packet.Text, packet.Binary, isVolatile)
            : connection.SendWithAttachments(packet.Text, packet.Binary, isVolatile);
        if (meters is null) return written;
        if (!written)
        {
            meters.PacketDropped(isVolatile ? "volatile" : "closed");
            return false;
        }
        Written(packet);
        return true;
    }

    /// <summary>One measurement per Engine.IO message: the text frame, then each attachment.</summary>
    private void Written(SocketIOEncodedPacket packet)
    {
        meters!.BytesSent(packet.Text.Length);
        foreach (var attachment in packet.Binary) meters.BytesSent(attachment.Length);
    }

    public bool Event(string ns, string eventName, SocketPayload payload, long? ackId = null, bool isVolatile = false) =>
        Write(SocketIOEncoder.EncodeEvent(ns, eventName, payload.ArgsJson, payload.Attachments, ackId), isVolatile);

    /// <summary>
    /// An ack answers this connection's own client, from the thread that got the handler's answer: a reply, which the
    /// connection may send on that thread (<see cref="IEngineConnection.SendInline"/>).
    /// </summary>
    public bool Ack(string ns, long id, SocketPayload payload)
    {
        var packet = SocketIOEncoder.EncodeAck(ns, id, payload.ArgsJson, payload.Attachments);
        var sent = connection.SendInline(packet.Text, packet.Binary);
        if (sent && meters is not null) Written(packet);
        return sent;
    }

    public bool Connect(string ns, string sid, string? pid = null) => Write(SocketIOEncoder.EncodeConnect(protocol, ns, sid, pid));

    public bool ConnectError(string ns, string message, byte[]? dataJson) =>
        Write(SocketIOEncoder.EncodeConnectError(protocol, ns, message, dataJson));

    /// <summary>
    /// The refusal of an unknown namespace, as Node's socket.io sends it to every client: the protocol v5 shape
    /// <c>{"message":"Invalid namespace"}</c>, which socket.io-client 2.x also hands to its "error" event.
    /// </summary>
    public bool InvalidNamespace(string ns, string message) => Write(SocketIOEncoder.EncodeConnectError(5, ns, message));

    public bool Disconnect(string ns) => Write(SocketIOEncoder.EncodeDisconnect(ns));
}
