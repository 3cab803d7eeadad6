using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Tests.Protocol;

/// <summary>Every encoded example of docs/socket.io-protocol/v5-current.md, both ways.</summary>
public class SpecV5ExampleTests
{
    private static readonly byte[] Buffer01020304 = [1, 2, 3, 4];

    [Fact]
    public void Connect_main_namespace_from_client()
    {
        var packet = Wire.Decode("0");

        Assert.Equal(SocketIOPacketType.Connect, packet.Type);
        Assert.Equal("/", packet.Namespace);
        Assert.True(packet.Data.IsEmpty);
        Assert.Null(packet.Id);
    }

    [Fact]
    public void Connect_custom_namespace_with_sid()
    {
        const string wire = "0/admin,{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}";

        var encoded = SocketIOEncoder.EncodeConnect(5, "/admin", "oSO0OpakMV_3jnilAAAA");
        var packet = Wire.Decode(wire);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Empty(encoded.Binary);
        Assert.Equal(SocketIOPacketType.Connect, packet.Type);
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal("{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}", Wire.Text(packet.Data));
    }

    [Fact]
    public void Connect_refused()
    {
        const string wire = "4{\"message\":\"Not authorized\"}";

        var encoded = SocketIOEncoder.EncodeConnectError(5, "/", "Not authorized");
        var packet = Wire.Decode(wire);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal(SocketIOPacketType.ConnectError, packet.Type);
        Assert.Equal("/", packet.Namespace);
        Assert.Equal("{\"message\":\"Not authorized\"}", Wire.Text(packet.Data));
    }

    [Theory]
    [InlineData("2[\"foo\"]", "/", "foo")]
    [InlineData("2/admin,[\"bar\"]", "/admin", "bar")]
    public void Event(string wire, string nsp, string eventName)
    {
        var encoded = SocketIOEncoder.EncodeEvent(nsp, eventName, "[]"u8);
        var packet = Wire.Decode(wire);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal(SocketIOPacketType.Event, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
        Assert.Equal(eventName, packet.EventName);
        Assert.Equal("[]", Wire.Text(packet.Args));
        Assert.Null(packet.Id);
    }

    [Fact]
    public void Binary_event()
    {
        const string wire = "51-[\"baz\",{\"_placeholder\":true,\"num\":0}]";

        var encoded = SocketIOEncoder.EncodeEvent("/", "baz", "[{\"_placeholder\":true,\"num\":0}]"u8, [Buffer01020304]);
        var packet = Wire.DecodeBinary(wire, 5, Buffer01020304);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal(new[] { Buffer01020304 }, encoded.Binary);
        Assert.Equal(SocketIOPacketType.BinaryEvent, packet.Type);
        Assert.Equal("baz", packet.EventName);
        Assert.Equal("[{\"_placeholder\":true,\"num\":0}]", Wire.Text(packet.Args));
        Assert.Equal(new[] { Buffer01020304 }, packet.Attachments);
    }

    [Fact]
    public void Binary_event_with_multiple_attachments()
    {
        const string wire = "52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]";
        byte[] first = [1, 2];
        byte[] second = [3, 4];

        var encoded = SocketIOEncoder.EncodeEvent(
            "/admin",
            "baz",
            "[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"u8,
            [first, second]);
        var packet = Wire.DecodeBinary(wire, 5, first, second);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal(new[] { first, second }, encoded.Binary);
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal("baz", packet.EventName);
        Assert.Equal(new[] { first, second }, packet.Attachments);
    }

    [Fact]
    public void Event_with_ack_id()
    {
        const string wire = "212[\"foo\"]";

        var encoded = SocketIOEncoder.EncodeEvent("/", "foo", [], ackId: 12);
        var packet = Wire.Decode(wire);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal(12, packet.Id);
        Assert.Equal("foo", packet.EventName);
    }

    [Fact]
    public void Ack_custom_namespace()
    {
        // The spec shows "3/admin,13["bar"]`": the trailing backtick is a markdown typo, not part of the packet.
        const string wire = "3/admin,13[\"bar\"]";

        var encoded = SocketIOEncoder.EncodeAck("/admin", 13, "[\"bar\"]"u8);
        var packet = Wire.Decode(wire);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal(SocketIOPacketType.Ack, packet.Type);
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal(13, packet.Id);
        Assert.Equal("[\"bar\"]", Wire.Text(packet.Args));
        Assert.Equal("[\"bar\"]", Wire.Text(packet.Data));
    }

    [Fact]
    public void Binary_ack()
    {
        const string wire = "61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]";

        var encoded = SocketIOEncoder.EncodeAck("/", 15, "[\"bar\",{\"_placeholder\":true,\"num\":0}]"u8, [Buffer01020304]);
        var packet = Wire.DecodeBinary(wire, 5, Buffer01020304);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal(SocketIOPacketType.BinaryAck, packet.Type);
        Assert.Equal(15, packet.Id);
        Assert.Equal("[\"bar\",{\"_placeholder\":true,\"num\":0}]", Wire.Text(packet.Args));
        Assert.Equal(new[] { Buffer01020304 }, packet.Attachments);
    }

    [Theory]
    [InlineData("1", "/")]
    [InlineData("1/admin,", "/admin")]
    public void Disconnect(string wire, string nsp)
    {
        var encoded = SocketIOEncoder.EncodeDisconnect(nsp);
        var packet = Wire.Decode(wire);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal(SocketIOPacketType.Disconnect, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
    }

    [Fact]
    public void Sample_session_server_frames()
    {
        // "40{...}", "42[...]", "40/admin,{...}", "461-/admin,1[...]" without Engine.IO's leading 4.
        Assert.Equal("0{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}", Wire.Text(SocketIOEncoder.EncodeConnect(5, "/", "wZX3oN0bSVIhsaknAAAI").Text));
        Assert.Equal("2[\"hey\",\"Jude\"]", Wire.Text(SocketIOEncoder.EncodeEvent("/", "hey", "[\"Jude\"]"u8).Text));
        Assert.Equal("0/admin,{\"sid\":\"-G5j-67EZFp-q59rADQM\"}", Wire.Text(SocketIOEncoder.EncodeConnect(5, "/admin", "-G5j-67EZFp-q59rADQM").Text));

        byte[] binary = [9];
        var ack = SocketIOEncoder.EncodeAck("/admin", 1, "[{\"_placeholder\":true,\"num\":0}]"u8, [binary]);
        Assert.Equal("61-/admin,1[{\"_placeholder\":true,\"num\":0}]", Wire.Text(ack.Text));
        Assert.Same(binary, Assert.Single(ack.Binary));
    }

    [Fact]
    public void Sample_session_client_frames()
    {
        var decoder = Wire.Decoder();

        var hello = decoder.DecodeText(Wire.Bytes("2[\"hello\"]"));
        var world = decoder.DecodeText(Wire.Bytes("2[\"world\"]"));
        var connect = decoder.DecodeText(Wire.Bytes("0/admin,"));
        var tellme = decoder.DecodeText(Wire.Bytes("2/admin,1[\"tellme\"]"));

        Assert.Equal("hello", hello?.EventName);
        Assert.Equal("world", world?.EventName);
        Assert.Equal(SocketIOPacketType.Connect, connect?.Type);
        Assert.Equal("/admin", connect?.Namespace);
        Assert.Equal("tellme", tellme?.EventName);
        Assert.Equal("/admin", tellme?.Namespace);
        Assert.Equal(1, tellme?.Id);
    }
}
