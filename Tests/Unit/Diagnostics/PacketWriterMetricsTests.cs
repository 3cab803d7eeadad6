using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Protocol;
using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Tests.Diagnostics;

/// <summary>
/// What the gateway's packet writer counts: the bytes it wrote (text and attachments, acks included), one measurement
/// per frame, and a packet the connection did not take as dropped, <c>volatile</c> or <c>closed</c>.
/// </summary>
public sealed class PacketWriterMetricsTests : IDisposable
{
    private readonly MeasurementCapture _capture = new();

    public void Dispose() => _capture.Dispose();

    private long Sum(string instrument, string tag, string value) =>
        (long)_capture.Of(instrument).Where(m => Equals(m.Tags.GetValueOrDefault(tag), value)).Sum(m => m.Value);

    [Fact]
    public void WrittenBytesAndDroppedPacketsAreCounted()
    {
        var connection = new Connection();
        var writer = new PacketWriter(connection, 5, _capture.Meters);
        var packet = SocketIOEncoder.EncodeEvent("/", "file", "[\"x\"]"u8.ToArray(), [new byte[10]]);
        var text = packet.Text.Length;

        Assert.True(writer.Write(packet));
        Assert.Equal(text + 10, Sum(SocketIOInstrumentation.Io, "network.io.direction", "transmit"));

        connection.Accepts = false;
        Assert.False(writer.Write(packet, isVolatile: true));
        Assert.False(writer.Write(packet, isVolatile: true));
        Assert.False(writer.Write(packet));
        Assert.Equal(2, Sum(SocketIOInstrumentation.PacketsDropped, SocketIOInstrumentation.DropReasonTag, "volatile"));
        Assert.Equal(1, Sum(SocketIOInstrumentation.PacketsDropped, SocketIOInstrumentation.DropReasonTag, "closed"));
        Assert.Equal(text + 10, Sum(SocketIOInstrumentation.Io, "network.io.direction", "transmit")); // nothing more written
    }

    [Fact]
    public void EachFrameIsOneMeasurementAndAcksCountToo()
    {
        var writer = new PacketWriter(new Connection(), 5, _capture.Meters);
        var packet = SocketIOEncoder.EncodeEvent("/", "file", "[\"x\"]"u8.ToArray(), [new byte[10], new byte[3]]);

        Assert.True(writer.Write(packet));
        Assert.Equal([packet.Text.Length, 10L, 3L], Measurements("transmit"));

        var ack = SocketIOEncoder.EncodeAck("/", 7, "[1]"u8.ToArray(), null);
        Assert.True(writer.Ack("/", 7, new SocketPayload("[1]"u8.ToArray())));
        Assert.Equal([packet.Text.Length, 10L, 3L, ack.Text.Length], Measurements("transmit"));
    }

    private long[] Measurements(string direction) =>
        [.. _capture.Of(SocketIOInstrumentation.Io).Where(m => Equals(m.Tags.GetValueOrDefault("network.io.direction"), direction)).Select(m => (long)m.Value)];

    private sealed class Connection : IEngineConnection
    {
        public bool Accepts { get; set; } = true;
        public string Id => "sid";
        public int ProtocolVersion => 4;
        public string Transport => "websocket";
        public EngineHandshake Handshake => throw new NotSupportedException();
        public bool Send(ReadOnlyMemory<byte> data, bool isBinary, bool isVolatile = false) => Accepts;
        public void Close() { }
    }
}
