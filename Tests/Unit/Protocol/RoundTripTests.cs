using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Tests.Protocol;

/// <summary>decode(encode(x)) == x and encode(decode(w)) == w for every packet type, in v5 and v4.</summary>
public class RoundTripTests
{
    [Theory]
    [InlineData(5, "0")]
    [InlineData(5, "0/admin,{\"token\":\"123\"}")]
    [InlineData(5, "0{\"sid\":\"abc\",\"pid\":\"def\"}")]
    [InlineData(5, "1")]
    [InlineData(5, "1/admin,")]
    [InlineData(5, "2[\"a\",1,{}]")]
    [InlineData(5, "2/test,1[\"a\",1,{}]")]
    [InlineData(5, "3123[\"a\",1,{}]")]
    [InlineData(5, "3/admin,0[]")]
    [InlineData(5, "4\"Unauthorized\"")]
    [InlineData(5, "4/admin,{\"message\":\"Unauthorized\",\"data\":{\"x\":1}}")]
    [InlineData(4, "0")]
    [InlineData(4, "0/admin,")]
    [InlineData(4, "0/admin?token=1234&uid=abcd,")]
    [InlineData(4, "1/admin,")]
    [InlineData(4, "2/admin,456[\"project:delete\",123]")]
    [InlineData(4, "3/admin,456[]")]
    [InlineData(4, "4/admin,\"Not authorized\"")]
    [InlineData(4, "4{\"code\":1}")]
    public void Text_packets(int protocolVersion, string wire)
    {
        var packet = Wire.Decode(wire, protocolVersion);

        var encoded = SocketIOEncoder.Encode(packet, protocolVersion);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Empty(encoded.Binary);
    }

    [Theory]
    [InlineData(5, "51-[\"baz\",{\"_placeholder\":true,\"num\":0}]", 1)]
    [InlineData(5, "52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", 2)]
    [InlineData(5, "61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]", 1)]
    [InlineData(5, "63-/x,7[{\"a\":{\"_placeholder\":true,\"num\":2}},[{\"_placeholder\":true,\"num\":1}],{\"_placeholder\":true,\"num\":0}]", 3)]
    [InlineData(4, "51-/admin,456[\"project:delete\",{\"_placeholder\":true,\"num\":0}]", 1)]
    [InlineData(4, "61-/admin,456[{\"_placeholder\":true,\"num\":0}]", 1)]
    public void Binary_packets(int protocolVersion, string wire, int attachmentCount)
    {
        var attachments = Enumerable.Range(0, attachmentCount).Select(i => new byte[] { (byte)i, 0xFF }).ToArray();
        var packet = Wire.DecodeBinary(wire, protocolVersion, attachments);

        var encoded = SocketIOEncoder.Encode(packet, protocolVersion);

        Assert.Equal(wire, Wire.Text(encoded.Text));
        Assert.Equal(attachments, encoded.Binary);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(4)]
    public void Event_from_parts(int protocolVersion)
    {
        var encoded = SocketIOEncoder.EncodeEvent("/chat", "message", "[\"hi\",{\"n\":[1,2]}]"u8, ackId: 42);

        var packet = Wire.Decode(Wire.Text(encoded.Text), protocolVersion);

        Assert.Equal(SocketIOPacketType.Event, packet.Type);
        Assert.Equal("/chat", packet.Namespace);
        Assert.Equal("message", packet.EventName);
        Assert.Equal(42, packet.Id);
        Assert.Equal("[\"hi\",{\"n\":[1,2]}]", Wire.Text(packet.Args));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(4)]
    public void Ack_from_parts(int protocolVersion)
    {
        var encoded = SocketIOEncoder.EncodeAck("/chat", 9, "[true]"u8);

        var packet = Wire.Decode(Wire.Text(encoded.Text), protocolVersion);

        Assert.Equal(SocketIOPacketType.Ack, packet.Type);
        Assert.Equal("/chat", packet.Namespace);
        Assert.Equal(9, packet.Id);
        Assert.Equal("[true]", Wire.Text(packet.Args));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(4)]
    public void Binary_event_and_ack_from_parts(int protocolVersion)
    {
        byte[] one = [1];
        byte[] two = [2, 2];
        var evt = SocketIOEncoder.EncodeEvent(
            "/", "file", "[{\"_placeholder\":true,\"num\":1},\"name\",{\"_placeholder\":true,\"num\":0}]"u8, [one, two], 1);
        var ack = SocketIOEncoder.EncodeAck("/", 1, "[{\"_placeholder\":true,\"num\":0}]"u8, [two]);

        var evtPacket = Wire.DecodeBinary(Wire.Text(evt.Text), protocolVersion, [.. evt.Binary]);
        var ackPacket = Wire.DecodeBinary(Wire.Text(ack.Text), protocolVersion, [.. ack.Binary]);

        Assert.Equal(SocketIOPacketType.BinaryEvent, evtPacket.Type);
        Assert.Equal("file", evtPacket.EventName);
        Assert.Equal(1, evtPacket.Id);
        Assert.Equal(new[] { one, two }, evtPacket.Attachments);
        Assert.Equal(SocketIOPacketType.BinaryAck, ackPacket.Type);
        Assert.Equal(new[] { two }, ackPacket.Attachments);
    }

    [Fact]
    public void Connect_and_connect_error_from_parts_v5()
    {
        var connect = Wire.Decode(Wire.Text(SocketIOEncoder.EncodeConnect(5, "/admin", "sid1").Text));
        var error = Wire.Decode(Wire.Text(SocketIOEncoder.EncodeConnectError(5, "/admin", "nope", "{\"a\":1}"u8).Text));

        Assert.Equal(SocketIOPacketType.Connect, connect.Type);
        Assert.Equal("/admin", connect.Namespace);
        Wire.JsonEqual("{\"sid\":\"sid1\"}", connect.Data);
        Assert.Equal(SocketIOPacketType.ConnectError, error.Type);
        Wire.JsonEqual("{\"message\":\"nope\",\"data\":{\"a\":1}}", error.Data);
    }

    [Fact]
    public void Connect_and_error_from_parts_v4()
    {
        var connect = Wire.Decode(Wire.Text(SocketIOEncoder.EncodeConnect(4, "/admin").Text), 4);
        var error = Wire.Decode(Wire.Text(SocketIOEncoder.EncodeConnectError(4, "/admin", "nope").Text), 4);

        Assert.Equal(SocketIOPacketType.Connect, connect.Type);
        Assert.Equal("/admin", connect.Namespace);
        Assert.True(connect.Data.IsEmpty);
        Assert.Equal(SocketIOPacketType.ConnectError, error.Type);
        Assert.Equal("\"nope\"", Wire.Text(error.Data));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(4)]
    public void Disconnect_from_parts(int protocolVersion)
    {
        var packet = Wire.Decode(Wire.Text(SocketIOEncoder.EncodeDisconnect("/room").Text), protocolVersion);

        Assert.Equal(SocketIOPacketType.Disconnect, packet.Type);
        Assert.Equal("/room", packet.Namespace);
    }
}
