using BenchmarkDotNet.Attributes;
using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Bench.CodecBenchmarks;

/// <summary>
/// Encoding one outbound packet from raw argument JSON, as the gateway does for every emit and ack
/// (a broadcast is encoded once per gateway, then the same frames go to every local member).
/// </summary>
[MemoryDiagnoser]
public class EncodeBenchmarks
{
    private byte[] _args = [];
    private byte[] _broadcastArgs = [];
    private byte[] _binaryArgs = [];
    private byte[][] _attachments = [];
    private SocketIOPacket _decoded = new();

    /// <summary>Size of the JSON argument (64 B is the harness's default payload).</summary>
    [Params(64, 1024)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var arg = Packets.EchoArgument(PayloadBytes);
        _args = Packets.Utf8($"[{arg}]");
        _broadcastArgs = Packets.Utf8($"[{Packets.BroadcastArgument(PayloadBytes)}]");
        _binaryArgs = Packets.Utf8($"[{{\"_placeholder\":true,\"num\":0}},{arg}]");
        _attachments = [Packets.Binary(PayloadBytes)];
        _decoded = new SocketIODecoder(5, new SocketIOParserOptions())
            .DecodeText(Packets.Utf8($"21234[\"echo_ack\",{arg}]"))!;
    }

    /// <summary><c>2["echo",{...}]</c>: an emit to one socket.</summary>
    [Benchmark(Baseline = true)]
    public ReadOnlyMemory<byte> Event() => SocketIOEncoder.EncodeEvent("/", "echo", _args).Text;

    /// <summary>The broadcast scenario's packet (encoded once per gateway per broadcast).</summary>
    [Benchmark]
    public ReadOnlyMemory<byte> BroadcastEvent() => SocketIOEncoder.EncodeEvent("/", "bcast", _broadcastArgs).Text;

    /// <summary>A server emit that asks for an ack, in namespace <c>/chat</c>.</summary>
    [Benchmark]
    public ReadOnlyMemory<byte> NamespaceEventWithAck() => SocketIOEncoder.EncodeEvent("/chat", "echo", _args, null, 1234).Text;

    /// <summary><c>3&lt;id&gt;[{...}]</c>: the echo_ack reply.</summary>
    [Benchmark]
    public ReadOnlyMemory<byte> Ack() => SocketIOEncoder.EncodeAck("/", 1234, _args).Text;

    /// <summary>BINARY_EVENT with one attachment (the attachment is referenced, not copied).</summary>
    [Benchmark]
    public ReadOnlyMemory<byte> BinaryEvent() => SocketIOEncoder.EncodeEvent("/", "upload", _binaryArgs, _attachments).Text;

    /// <summary>Re-encoding a decoded packet (the decoder's inverse).</summary>
    [Benchmark]
    public ReadOnlyMemory<byte> RoundTripEncode() => SocketIOEncoder.Encode(_decoded, 5).Text;
}
