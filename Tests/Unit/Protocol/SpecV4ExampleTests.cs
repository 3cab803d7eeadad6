using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Tests.Protocol;

/// <summary>
/// Every encoded example of docs/socket.io-protocol/v4.md (socket.io 1.x/2.x clients over Engine.IO 3),
/// both ways, plus the v4-only shapes: CONNECT without payload, the query in the namespace, ERROR.
/// </summary>
public class SpecV4ExampleTests
{
    [Theory]
    [InlineData("0", "/")]
    [InlineData("0/admin,", "/admin")]
    public void Connect(string wire, string nsp)
    {
        var encoded = SocketIOEncoder.EncodeConnect(4, nsp);
        var packet = Wire.Decode(wire, 4);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal(SocketIOPacketType.Connect, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
        Assert.True(packet.Data.IsEmpty);
        Assert.Null(packet.Query);
    }

    [Fact]
    public void Connect_ignores_the_sid_in_v4()
    {
        Assert.Equal("0/admin,", Wire.Text(SocketIOEncoder.EncodeConnect(4, "/admin", "some-sid").Text));
    }

    [Fact]
    public void Connect_with_query_in_the_namespace_from_the_spec()
    {
        // { "type": 0, "nsp": "/admin?token=1234&uid=abcd" } as socket.io-client 2.x puts it on the wire.
        var packet = Wire.Decode("0/admin?token=1234&uid=abcd,", 4);

        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal("token=1234&uid=abcd", packet.Query);
    }

    [Fact]
    public void Connect_with_query_from_the_brief()
    {
        var packet = Wire.Decode("0/nsp?token=abc,", 4);

        Assert.Equal(SocketIOPacketType.Connect, packet.Type);
        Assert.Equal("/nsp", packet.Namespace);
        Assert.Equal("token=abc", packet.Query);
    }

    [Fact]
    public void Connect_with_query_and_no_trailing_comma()
    {
        var packet = Wire.Decode("0/nsp?a=1&b=%20", 4);

        Assert.Equal("/nsp", packet.Namespace);
        Assert.Equal("a=1&b=%20", packet.Query);
    }

    [Fact]
    public void Query_is_only_split_from_a_v4_connect()
    {
        // v5 clients send auth in the CONNECT payload, so a '?' there is just part of the name.
        var v5 = Wire.Decode("0/nsp?x=1,");
        var v4Event = Wire.Decode("2/nsp?x=1,[\"a\"]", 4);

        Assert.Equal("/nsp?x=1", v5.Namespace);
        Assert.Null(v5.Query);
        Assert.Equal("/nsp?x=1", v4Event.Namespace);
        Assert.Null(v4Event.Query);
    }

    [Fact]
    public void Disconnect()
    {
        var encoded = SocketIOEncoder.EncodeDisconnect("/admin");
        var packet = Wire.Decode("1/admin,", 4);

        Assert.Equal("1/admin,", Wire.Text(encoded.Text));
        Assert.Equal(SocketIOPacketType.Disconnect, packet.Type);
        Assert.Equal("/admin", packet.Namespace);
    }

    [Fact]
    public void Event()
    {
        const string wire = "2[\"hello\",1]";

        var encoded = SocketIOEncoder.EncodeEvent("/", "hello", "[1]"u8);
        var packet = Wire.Decode(wire, 4);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal("hello", packet.EventName);
        Assert.Equal("[1]", Wire.Text(packet.Args));
        Assert.Equal("[\"hello\",1]", Wire.Text(packet.Data));
    }

    [Fact]
    public void Event_with_ack_id()
    {
        const string wire = "2/admin,456[\"project:delete\",123]";

        var encoded = SocketIOEncoder.EncodeEvent("/admin", "project:delete", "[123]"u8, ackId: 456);
        var packet = Wire.Decode(wire, 4);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal(456, packet.Id);
        Assert.Equal("project:delete", packet.EventName);
        Assert.Equal("[123]", Wire.Text(packet.Args));
    }

    [Fact]
    public void Ack()
    {
        const string wire = "3/admin,456[]";

        var encoded = SocketIOEncoder.EncodeAck("/admin", 456, "[]"u8);
        var packet = Wire.Decode(wire, 4);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal(SocketIOPacketType.Ack, packet.Type);
        Assert.Equal(456, packet.Id);
        Assert.Equal("[]", Wire.Text(packet.Args));
    }

    [Fact]
    public void Error()
    {
        const string wire = "4/admin,\"Not authorized\"";

        var encoded = SocketIOEncoder.EncodeConnectError(4, "/admin", "Not authorized");
        var packet = Wire.Decode(wire, 4);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal(SocketIOPacketType.ConnectError, packet.Type);
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal("\"Not authorized\"", Wire.Text(packet.Data));
    }

    [Fact]
    public void Error_with_data_sends_the_data_as_socket_io_2_does()
    {
        // socket.io 2.x: socket.error(err.data || err.message).
        var encoded = SocketIOEncoder.EncodeConnectError(4, "/admin", "ignored", "{\"code\":42}"u8);
        var packet = Wire.Decode("4/admin,{\"code\":42}", 4);

        Assert.Equal("4/admin,{\"code\":42}", Wire.Text(encoded.Text));
        Assert.Equal("{\"code\":42}", Wire.Text(packet.Data));
    }

    [Fact]
    public void Binary_event()
    {
        const string wire = "51-[\"hello\",{\"_placeholder\":true,\"num\":0}]";
        byte[] buffer = [1, 2, 3];

        var encoded = SocketIOEncoder.EncodeEvent("/", "hello", "[{\"_placeholder\":true,\"num\":0}]"u8, [buffer]);
        var packet = Wire.DecodeBinary(wire, 4, buffer);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal(SocketIOPacketType.BinaryEvent, packet.Type);
        Assert.Equal("hello", packet.EventName);
        Assert.Equal(new[] { buffer }, packet.Attachments);
    }

    [Fact]
    public void Binary_event_with_ack_id()
    {
        const string wire = "51-/admin,456[\"project:delete\",{\"_placeholder\":true,\"num\":0}]";
        byte[] buffer = [1, 2, 3];

        var encoded = SocketIOEncoder.EncodeEvent("/admin", "project:delete", "[{\"_placeholder\":true,\"num\":0}]"u8, [buffer], 456);
        var packet = Wire.DecodeBinary(wire, 4, buffer);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal(456, packet.Id);
        Assert.Equal("project:delete", packet.EventName);
        Assert.Equal(new[] { buffer }, packet.Attachments);
    }

    [Fact]
    public void Binary_ack()
    {
        const string wire = "61-/admin,456[{\"_placeholder\":true,\"num\":0}]";
        byte[] buffer = [3, 2, 1];

        var encoded = SocketIOEncoder.EncodeAck("/admin", 456, "[{\"_placeholder\":true,\"num\":0}]"u8, [buffer]);
        var packet = Wire.DecodeBinary(wire, 4, buffer);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal(SocketIOPacketType.BinaryAck, packet.Type);
        Assert.Equal(456, packet.Id);
        Assert.Equal("[{\"_placeholder\":true,\"num\":0}]", Wire.Text(packet.Args));
        Assert.Equal(new[] { buffer }, packet.Attachments);
    }

    [Fact]
    public void Sample_session_frames()
    {
        // "40" (default namespace), "40/admin," (grant), "461-/admin,1[...]" without Engine.IO's leading 4.
        Assert.Equal("0", Wire.Text(SocketIOEncoder.EncodeConnect(4, "/").Text));
        Assert.Equal("0/admin,", Wire.Text(SocketIOEncoder.EncodeConnect(4, "/admin").Text));
        Assert.Equal(
            "61-/admin,1[{\"_placeholder\":true,\"num\":0}]",
            Wire.Text(SocketIOEncoder.EncodeAck("/admin", 1, "[{\"_placeholder\":true,\"num\":0}]"u8, [[7]]).Text));

        var tellme = Wire.Decode("2/admin,1[\"tellme\"]", 4);
        Assert.Equal("tellme", tellme.EventName);
        Assert.Equal(1, tellme.Id);
    }
}
