using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
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
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddSingleton<SocketIOMeters>().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measured = [];
    private readonly IMeterFactory _factory;

    public PacketWriterMetricsTests()
    {
        _factory = _services.GetRequiredService<IMeterFactory>();
        // Only this test's meter (made by its own factory): other tests' measurements do not count.
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == _factory) l.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var map = new Dictionary<string, object?>();
            foreach (var tag in tags) map[tag.Key] = tag.Value;
            lock (_measured) _measured.Add((instrument.Name, value, map));
        });
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private long Sum(string instrument, string tag, string value)
    {
        lock (_measured) return _measured.Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault(tag), value)).Sum(m => m.Value);
    }

    [Fact]
    public void WrittenBytesAndDroppedPacketsAreCounted()
    {
        var connection = new Connection();
        var writer = new PacketWriter(connection, 5, _services.GetRequiredService<SocketIOMeters>());
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
        var writer = new PacketWriter(new Connection(), 5, _services.GetRequiredService<SocketIOMeters>());
        var packet = SocketIOEncoder.EncodeEvent("/", "file", "[\"x\"]"u8.ToArray(), [new byte[10], new byte[3]]);

        Assert.True(writer.Write(packet));
        Assert.Equal([packet.Text.Length, 10L, 3L], Measurements("transmit"));

        var ack = SocketIOEncoder.EncodeAck("/", 7, "[1]"u8.ToArray(), null);
        Assert.True(writer.Ack("/", 7, new SocketPayload("[1]"u8.ToArray())));
        Assert.Equal([packet.Text.Length, 10L, 3L, ack.Text.Length], Measurements("transmit"));
    }

    private long[] Measurements(string direction)
    {
        lock (_measured) return [.. _measured.Where(m => m.Instrument == SocketIOInstrumentation.Io && Equals(m.Tags.GetValueOrDefault("network.io.direction"), direction)).Select(m => m.Value)];
    }

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
