using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// Encodes Socket.IO packets for one connection's protocol version and hands the frames to
/// Engine.IO. The only place the session layer touches the codec's encoder.
/// </summary>
internal sealed class PacketWriter(IEngineConnection connection, int protocol)
{
    private readonly Lock _gate = new();

    public int Protocol => protocol;

    public bool Write(SocketIOEncodedPacket packet, bool isVolatile = false)
    {
        // A binary packet's frames must not interleave with another packet's frames.
        lock (_gate)
        {
            if (!connection.Send(packet.Text, isBinary: false, isVolatile)) return false;
            foreach (var attachment in packet.Binary)
                connection.Send(attachment, isBinary: true);
            return true;
        }
    }

    public bool Event(string ns, string eventName, SocketPayload payload, long? ackId = null, bool isVolatile = false) =>
        Write(SocketIOEncoder.EncodeEvent(ns, eventName, payload.ArgsJson, payload.Attachments, ackId), isVolatile);

    public bool Ack(string ns, long id, SocketPayload payload) =>
        Write(SocketIOEncoder.EncodeAck(ns, id, payload.ArgsJson, payload.Attachments));

    public bool Connect(string ns, string sid, string? pid = null) => Write(SocketIOEncoder.EncodeConnect(protocol, ns, sid, pid));

    public bool ConnectError(string ns, string message, byte[]? dataJson) =>
        Write(SocketIOEncoder.EncodeConnectError(protocol, ns, message, dataJson));

    public bool Disconnect(string ns) => Write(SocketIOEncoder.EncodeDisconnect(ns));
}
