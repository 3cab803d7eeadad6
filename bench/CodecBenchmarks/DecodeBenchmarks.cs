using BenchmarkDotNet.Attributes;
using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Bench.CodecBenchmarks;

/// <summary>
/// Decoding one inbound packet (the text after Engine.IO's <c>4</c>), as the gateway does for every client message.
/// </summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private readonly SocketIODecoder _v5 = new(5, new SocketIOParserOptions());
    private readonly SocketIODecoder _v4 = new(4, new SocketIOParserOptions());
    private byte[] _event = [];
    private byte[] _eventWithAck = [];
    private byte[] _namespaceEvent = [];
    private byte[] _ack = [];
    private byte[] _binaryHeader = [];
    private byte[] _attachment = [];
    private byte[] _connect = [];

    /// <summary>Size of the JSON argument (64 B is the harness's default payload).</summary>
    [Params(64, 1024)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var arg = Packets.EchoArgument(PayloadBytes);
        _event = Packets.Utf8($"2[\"echo\",{arg}]");
        _eventWithAck = Packets.Utf8($"21234[\"echo_ack\",{arg}]");
        _namespaceEvent = Packets.Utf8($"2/chat,1234[\"echo_ack\",{arg}]");
        _ack = Packets.Utf8($"31234[{arg}]");
        _binaryHeader = Packets.Utf8($"51-1234[\"upload\",{{\"_placeholder\":true,\"num\":0}},{arg}]");
        _attachment = Packets.Binary(PayloadBytes);
        _connect = Packets.Utf8("0{\"token\":\"abc\"}");
    }

    /// <summary><c>2["echo",{...}]</c>: an event without ack.</summary>
    [Benchmark(Baseline = true)]
    public object? Event() => _v5.DecodeText(_event);

    /// <summary><c>2&lt;id&gt;["echo_ack",{...}]</c>: the harness's echo_ack.</summary>
    [Benchmark]
    public object? EventWithAck() => _v5.DecodeText(_eventWithAck);

    /// <summary>The same in namespace <c>/chat</c>.</summary>
    [Benchmark]
    public object? NamespaceEventWithAck() => _v5.DecodeText(_namespaceEvent);

    /// <summary>Protocol v4 (Engine.IO 3 / socket.io 2.x clients).</summary>
    [Benchmark]
    public object? EventWithAckV4() => _v4.DecodeText(_eventWithAck);

    /// <summary>A client's ACK of a server emit.</summary>
    [Benchmark]
    public object? Ack() => _v5.DecodeText(_ack);

    /// <summary>BINARY_EVENT: the text header, then one attachment of <see cref="PayloadBytes"/> bytes.</summary>
    [Benchmark]
    public object? BinaryEvent()
    {
        _v5.DecodeText(_binaryHeader);
        return _v5.DecodeBinary(_attachment);
    }

    /// <summary>A namespace CONNECT with an auth object.</summary>
    [Benchmark]
    public object? Connect() => _v5.DecodeText(_connect);
}
