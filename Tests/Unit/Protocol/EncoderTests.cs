using System.Runtime.InteropServices;
using System.Text.Json;
using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Tests.Protocol;

/// <summary>Encoder output details: escaping, argument splicing, the v5/v4 differences, argument checks.</summary>
public class EncoderTests
{
    [Theory]
    [InlineData("a\"b", "2[\"a\\\"b\"]")]
    [InlineData("back\\slash", "2[\"back\\\\slash\"]")]
    [InlineData("line\nbreak\ttab", "2[\"line\\nbreak\\ttab\"]")]
    [InlineData("\u0001", "2[\"\\u0001\"]")]
    [InlineData("héllo", "2[\"héllo\"]")] // UTF-8 as JSON.stringify writes it, not \u00e9
    [InlineData("日本語", "2[\"日本語\"]")]
    public void Event_names_are_json_escaped(string eventName, string expected)
    {
        var encoded = SocketIOEncoder.EncodeEvent("/", eventName, []);

        Assert.Equal(expected, Wire.Text(encoded.Text));
        Assert.Equal(eventName, Wire.Decode(expected).EventName);
    }

    [Theory]
    [InlineData("😀")]
    [InlineData("</script><b>&amp;'")]
    [InlineData("\u2028\u2029")]
    [InlineData("mixed \"quotes\" and \\ and \u0000 nul")]
    public void Any_event_name_survives_a_round_trip(string eventName)
    {
        var encoded = SocketIOEncoder.EncodeEvent("/", eventName, "[1]"u8);

        var packet = Wire.Decode(Wire.Text(encoded.Text));

        Assert.Equal(eventName, packet.EventName);
        Assert.Equal("[1]", Wire.Text(packet.Args));
        using var doc = JsonDocument.Parse(packet.Data); // the whole payload is valid JSON
        Assert.Equal(eventName, doc.RootElement[0].GetString());
    }

    [Fact]
    public void Event_name_with_a_lone_surrogate_becomes_a_replacement_character()
    {
        // Invalid UTF-16 cannot be sent as UTF-8; the writer substitutes U+FFFD and the packet stays valid.
        var encoded = SocketIOEncoder.EncodeEvent("/", "a\ud800", []);

        Assert.Equal("2[\"a\\uFFFD\"]", Wire.Text(encoded.Text));
        Assert.Equal("a\uFFFD", Wire.Decode(Wire.Text(encoded.Text)).EventName);
    }

    [Theory]
    [InlineData("", "2[\"e\"]")]
    [InlineData("[]", "2[\"e\"]")]
    [InlineData(" [ \n ] ", "2[\"e\"]")]
    [InlineData("[1,\"two\",{\"3\":[4]}]", "2[\"e\",1,\"two\",{\"3\":[4]}]")]
    [InlineData("\t[ 1 , 2 ]\n", "2[\"e\",1 , 2]")]
    public void Args_are_spliced_after_the_name(string args, string expected)
    {
        var encoded = SocketIOEncoder.EncodeEvent("/", "e", Wire.Bytes(args));

        Assert.Equal(expected, Wire.Text(encoded.Text));
    }

    [Theory]
    [InlineData("", "35[]")]
    [InlineData(" [ ] ", "35[]")]
    [InlineData("[null,\"x\"]", "35[null,\"x\"]")]
    public void Ack_args(string args, string expected)
    {
        Assert.Equal(expected, Wire.Text(SocketIOEncoder.EncodeAck("/", 5, Wire.Bytes(args)).Text));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("1")]
    [InlineData("\"a\"")]
    [InlineData("[")]
    [InlineData("]")]
    public void Args_that_are_not_an_array_are_a_caller_error(string args)
    {
        Assert.Throws<ArgumentException>(() => SocketIOEncoder.EncodeEvent("/", "e", Wire.Bytes(args)));
        Assert.Throws<ArgumentException>(() => SocketIOEncoder.EncodeAck("/", 1, Wire.Bytes(args)));
    }

    [Theory]
    [InlineData("/a,b")] // socket.io-parser: "invalid namespace: must not contain a comma"
    [InlineData("admin")]
    [InlineData("")]
    public void Invalid_namespaces_are_a_caller_error(string nsp)
    {
        Assert.Throws<ArgumentException>(() => SocketIOEncoder.EncodeEvent(nsp, "e", []));
        Assert.Throws<ArgumentException>(() => SocketIOEncoder.EncodeDisconnect(nsp));
        Assert.Throws<ArgumentException>(() => SocketIOEncoder.EncodeConnect(5, nsp, "sid"));
    }

    [Fact]
    public void Negative_ids_and_unknown_protocols_are_caller_errors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SocketIOEncoder.EncodeEvent("/", "e", [], ackId: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SocketIOEncoder.EncodeAck("/", -1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => SocketIOEncoder.EncodeConnect(3, "/", "sid"));
        Assert.Throws<ArgumentOutOfRangeException>(() => SocketIOEncoder.EncodeConnectError(6, "/", "x"));
        Assert.Throws<ArgumentNullException>(() => SocketIOEncoder.EncodeConnect(5, "/"));
    }

    [Fact]
    public void Connect_v5_with_pid_for_connection_state_recovery()
    {
        var encoded = SocketIOEncoder.EncodeConnect(5, "/", "abc", "p\"1");

        Assert.Equal("0{\"sid\":\"abc\",\"pid\":\"p\\\"1\"}", Wire.Text(encoded.Text));
    }

    [Fact]
    public void Connect_error_v5_with_data()
    {
        var encoded = SocketIOEncoder.EncodeConnectError(5, "/admin", "Not \"authorized\"", "{\"code\":42,\"retry\":[1,2]}"u8);

        Assert.Equal(
            "4/admin,{\"message\":\"Not \\\"authorized\\\"\",\"data\":{\"code\":42,\"retry\":[1,2]}}",
            Wire.Text(encoded.Text));
        var packet = Wire.Decode(Wire.Text(encoded.Text));
        Wire.JsonEqual("{\"message\":\"Not \\\"authorized\\\"\",\"data\":{\"code\":42,\"retry\":[1,2]}}", packet.Data);
    }

    [Fact]
    public void Connect_error_data_must_be_valid_json()
    {
        Assert.ThrowsAny<ArgumentException>(() => SocketIOEncoder.EncodeConnectError(5, "/", "x", "{oops"u8));
        Assert.ThrowsAny<ArgumentException>(() => SocketIOEncoder.EncodeConnectError(4, "/", "x", "{oops"u8));

        // A failed encode must not leave the per-thread writer broken for the next one.
        Assert.Equal("4{\"message\":\"ok\"}", Wire.Text(SocketIOEncoder.EncodeConnectError(5, "/", "ok").Text));
    }

    [Fact]
    public void Ack_id_at_long_max_value()
    {
        var encoded = SocketIOEncoder.EncodeEvent("/", "e", [], ackId: long.MaxValue);

        Assert.Equal("29223372036854775807[\"e\"]", Wire.Text(encoded.Text));
        Assert.Equal(long.MaxValue, Wire.Decode(Wire.Text(encoded.Text)).Id);
    }

    [Fact]
    public void Large_payloads_then_small_ones()
    {
        // A big packet outgrows the cached scratch buffer; the next small one must still be exact.
        var big = "[\"" + new string('x', 200_000) + "\"]";

        var large = SocketIOEncoder.EncodeEvent("/", "big", Wire.Bytes(big));
        var small = SocketIOEncoder.EncodeEvent("/", "small", "[1]"u8);

        Assert.Equal("2[\"big\"," + big[1..], Wire.Text(large.Text));
        Assert.Equal("2[\"small\",1]", Wire.Text(small.Text));
    }

    [Fact]
    public void Each_encode_returns_its_own_array()
    {
        var first = SocketIOEncoder.EncodeEvent("/", "one", []);
        var second = SocketIOEncoder.EncodeEvent("/", "two", []);

        Assert.Equal("2[\"one\"]", Wire.Text(first.Text));
        Assert.Equal("2[\"two\"]", Wire.Text(second.Text));
    }

    [Fact]
    public void Concurrent_encodes_do_not_interfere()
    {
        var failures = 0;
        Parallel.For(0, 2_000, i =>
        {
            var encoded = SocketIOEncoder.EncodeEvent("/n" + (i % 7), "e" + i, Wire.Bytes($"[{i}]"), ackId: i);
            var expected = $"2/n{i % 7},{i}[\"e{i}\",{i}]";
            if (Wire.Text(encoded.Text) != expected)
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);
    }

    [Theory]
    [InlineData("/", 0, 0, "30[]")]
    [InlineData("/", 9, 0, "39[]")]
    [InlineData("/", 10, 0, "310[]")]
    [InlineData("/é", long.MaxValue, 0, "3/é,9223372036854775807[]")]
    [InlineData("/chat", 99, 10, "610-/chat,99[]")]
    public void Ack_header_is_sized_exactly(string nsp, long id, int attachments, string expected)
    {
        var binary = Enumerable.Range(0, attachments).Select(_ => new byte[] { 1 }).ToArray();
        var encoded = SocketIOEncoder.EncodeAck(nsp, id, "[]"u8, binary);

        Assert.Equal(expected, Wire.Text(encoded.Text));
        Assert.True(MemoryMarshal.TryGetArray(encoded.Text, out var segment));
        Assert.Equal(segment.Array!.Length, segment.Offset + segment.Count);
    }

    [Fact]
    public void Every_packet_text_is_preceded_by_the_engine_message_type()
    {
        SocketIOEncodedPacket[] packets =
        [
            SocketIOEncoder.EncodeAck("/", 1, "[\"x\"]"u8),
            SocketIOEncoder.EncodeEvent("/chat", "e", "[1]"u8),
            SocketIOEncoder.EncodeConnect(5, "/", "sid"),
            SocketIOEncoder.EncodeConnect(4, "/a"),
            SocketIOEncoder.EncodeConnectError(5, "/", "no"),
            SocketIOEncoder.EncodeDisconnect("/a"),
        ];
        foreach (var packet in packets)
        {
            // What lets a WebSocket send "4" + the packet as it is, with no copy into a frame buffer.
            Assert.True(MemoryMarshal.TryGetArray(packet.Text, out var segment));
            Assert.Equal(1, segment.Offset);
            Assert.Equal((byte)'4', segment.Array![0]);
        }
    }

    [Fact]
    public void Default_encoded_packet_has_no_binary_frames()
    {
        var packet = default(SocketIOEncodedPacket);

        Assert.Empty(packet.Binary);
        Assert.True(packet.Text.IsEmpty);
    }

    [Fact]
    public void Encoding_allocates_only_the_output_array()
    {
        var args = "[\"payload\",{\"n\":1}]"u8.ToArray();
        SocketIOEncoder.EncodeEvent("/chat", "message", args, ackId: 12); // warm up the per-thread scratch

        var before = GC.GetAllocatedBytesForCurrentThread();
        var encoded = SocketIOEncoder.EncodeEvent("/chat", "message", args, ackId: 12);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // One byte[]: its length (the text and the Engine.IO type byte before it) plus the array header (24 bytes on
        // 64-bit), rounded up to 8.
        Assert.InRange(allocated, encoded.Text.Length + 1, encoded.Text.Length + 1 + 32);
    }
}
