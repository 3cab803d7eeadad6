using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Tests.Protocol;

/// <summary>What the decoder extracts from valid packets: namespace, id, Data, EventName, Args.</summary>
public class DecoderTests
{
    [Fact]
    public void Event_args_are_the_array_after_the_name_without_reserialising()
    {
        var packet = Wire.Decode("2/chat,7[\"msg\",1,{\"a\":[2,3.50,\"x\\u0041\"]},null,true]");

        Assert.Equal("/chat", packet.Namespace);
        Assert.Equal(7, packet.Id);
        Assert.Equal("msg", packet.EventName);
        // Byte-for-byte what the client sent: 3.50 and \u0041 are kept as written.
        Assert.Equal("[1,{\"a\":[2,3.50,\"x\\u0041\"]},null,true]", Wire.Text(packet.Args));
        Assert.Equal("[\"msg\",1,{\"a\":[2,3.50,\"x\\u0041\"]},null,true]", Wire.Text(packet.Data));
    }

    [Fact]
    public void Whitespace_around_and_inside_the_payload_is_tolerated_like_json_parse()
    {
        var packet = Wire.Decode("2 [ \"foo\" ,\n 1 , [ ] ]\r\n");

        Assert.Equal("foo", packet.EventName);
        Assert.Equal("[ \"foo\" ,\n 1 , [ ] ]", Wire.Text(packet.Data));
        Wire.JsonEqual("[1,[]]", packet.Args);
    }

    [Fact]
    public void Event_with_only_a_name_has_empty_args()
    {
        var packet = Wire.Decode("2[ \"ping\" ]");

        Assert.Equal("ping", packet.EventName);
        Assert.Equal("[]", Wire.Text(packet.Args));
    }

    [Theory]
    [InlineData("2[\"héllo\",1]", "héllo")]
    [InlineData("2[\"日本語\"]", "日本語")]
    [InlineData("2[\"😀 emoji\"]", "😀 emoji")]
    [InlineData("2[\"\\u00e9t\\u00E9\"]", "été")]
    [InlineData("2[\"\\ud83d\\ude00\"]", "😀")]
    [InlineData("2[\"a\\\"b\\\\c\\/d\\n\"]", "a\"b\\c/d\n")]
    [InlineData("2[\"\"]", "")]
    public void Event_names_are_unescaped_unicode(string text, string expected)
    {
        Assert.Equal(expected, Wire.Decode(text).EventName);
    }

    [Fact]
    public void Unicode_namespace()
    {
        var packet = Wire.Decode("2/ünï-cødé,[\"a\"]");

        Assert.Equal("/ünï-cødé", packet.Namespace);
    }

    [Fact]
    public void Namespace_without_a_comma_runs_to_the_end()
    {
        var packet = Wire.Decode("0/admin");

        Assert.Equal("/admin", packet.Namespace);
        Assert.True(packet.Data.IsEmpty);
    }

    [Fact]
    public void Slash_alone_is_the_main_namespace()
    {
        Assert.Equal("/", Wire.Decode("2/,[\"a\"]").Namespace);
    }

    [Fact]
    public void Connect_with_auth_payload()
    {
        var packet = Wire.Decode("0/admin,{\"token\":\"123\"}");

        Assert.Equal(SocketIOPacketType.Connect, packet.Type);
        Assert.Equal("{\"token\":\"123\"}", Wire.Text(packet.Data));
        Assert.Null(packet.EventName);
        Assert.True(packet.Args.IsEmpty);
    }

    [Fact]
    public void Leading_digits_are_an_ack_id_on_any_packet_as_in_socket_io_parser()
    {
        var packet = Wire.Decode("0/admin,42");

        Assert.Equal(42, packet.Id);
        Assert.True(packet.Data.IsEmpty);
    }

    [Fact]
    public void Ack_id_zero_and_leading_zeros()
    {
        Assert.Equal(0, Wire.Decode("30[]").Id);
        Assert.Equal(7, Wire.Decode("2007[\"a\"]").Id);
    }

    [Fact]
    public void Ack_args_are_the_whole_array()
    {
        var packet = Wire.Decode("35[\"a\",{\"b\":1}]");

        Assert.Equal(SocketIOPacketType.Ack, packet.Type);
        Assert.Equal("[\"a\",{\"b\":1}]", Wire.Text(packet.Args));
        Assert.Equal("[\"a\",{\"b\":1}]", Wire.Text(packet.Data));
        Assert.Null(packet.EventName);
    }

    [Fact]
    public void Connect_error_with_object_and_string_payloads()
    {
        var v5 = Wire.Decode("4/admin,{\"message\":\"nope\",\"data\":{\"code\":1}}");
        var v4 = Wire.Decode("4\"nope\"", 4);
        var empty = Wire.Decode("4");

        Wire.JsonEqual("{\"message\":\"nope\",\"data\":{\"code\":1}}", v5.Data);
        Assert.Equal("\"nope\"", Wire.Text(v4.Data));
        Assert.True(empty.Data.IsEmpty);
    }

    [Fact]
    public void Decoded_packet_does_not_alias_the_input_buffer()
    {
        var input = Wire.Bytes("2[\"a\",1]");
        var packet = Wire.Decoder().DecodeText(input);

        Array.Fill(input, (byte)'x');

        Assert.NotNull(packet);
        Assert.Equal("[\"a\",1]", Wire.Text(packet.Data));
        Assert.Equal("[1]", Wire.Text(packet.Args));
    }

    [Fact]
    public void Decoder_keeps_working_after_an_error()
    {
        var decoder = Wire.Decoder();
        Assert.Throws<SocketIODecodeException>(() => decoder.DecodeText(Wire.Bytes("2[\"connect\"]")));

        var packet = decoder.DecodeText(Wire.Bytes("2[\"ok\"]"));

        Assert.Equal("ok", packet?.EventName);
    }

    [Fact]
    public void Placeholder_like_objects_that_are_not_placeholders_are_plain_data()
    {
        // Only "_placeholder": true marks a placeholder (socket.io-parser: data._placeholder === true).
        var packet = Wire.Decode("2[\"a\",{\"_placeholder\":false,\"num\":0},{\"_placeholder\":\"true\",\"num\":\"x\"},{\"num\":-1}]");

        Assert.Equal("a", packet.EventName);
        Assert.Empty(packet.Attachments);
    }

    [Fact]
    public void Max_depth_is_configurable()
    {
        var options = new SocketIOParserOptions { MaxDepth = 3 };
        var decoder = new SocketIODecoder(5, options);

        Assert.NotNull(decoder.DecodeText(Wire.Bytes("2[\"a\",[[1]]]")));
        Assert.Throws<SocketIODecodeException>(() => decoder.DecodeText(Wire.Bytes("2[\"a\",[[[1]]]]")));
    }

    [Fact]
    public void Max_depth_above_the_stack_buffer()
    {
        var decoder = new SocketIODecoder(5, new SocketIOParserOptions { MaxDepth = 200 });
        var text = "2[\"a\"," + new string('[', 150) + string.Concat(Enumerable.Repeat("{\"k\":", 40)) + "1"
            + new string('}', 40) + new string(']', 150) + "]";

        Assert.Equal("a", decoder.DecodeText(Wire.Bytes(text))?.EventName);
    }

    [Fact]
    public void Namespace_strings_are_reused_between_packets_of_a_connection()
    {
        var decoder = Wire.Decoder();

        var first = decoder.DecodeText(Wire.Bytes("2/chat,[\"a\"]"));
        var second = decoder.DecodeText(Wire.Bytes("2/chat,[\"b\"]"));
        var other = decoder.DecodeText(Wire.Bytes("2/news,[\"c\"]"));

        Assert.Equal("/chat", first?.Namespace);
        Assert.Same(first?.Namespace, second?.Namespace);
        Assert.Equal("/news", other?.Namespace);
    }

    [Fact]
    public void The_last_event_name_is_reused_when_the_next_event_has_the_same_name()
    {
        var decoder = Wire.Decoder();

        var first = decoder.DecodeText(Wire.Bytes("2[\"echo\",1]"));
        var again = decoder.DecodeText(Wire.Bytes("21[\"echo\",2]"));
        var escaped = decoder.DecodeText(Wire.Bytes("2[\"\\u0065cho\"]")); // the same name, written with an escape
        var other = decoder.DecodeText(Wire.Bytes("2[\"echo_ack\"]"));
        var back = decoder.DecodeText(Wire.Bytes("2[\"echo\"]"));

        Assert.Equal("echo", first?.EventName);
        Assert.Same(first?.EventName, again?.EventName);
        Assert.Same(first?.EventName, escaped?.EventName);
        Assert.Equal("echo_ack", other?.EventName);
        Assert.Equal("echo", back?.EventName);
        Assert.NotSame(first?.EventName, back?.EventName); // only the last name is kept
    }

    [Fact]
    public void A_reserved_name_is_refused_even_after_an_accepted_event()
    {
        var decoder = Wire.Decoder();

        Assert.Equal("a", decoder.DecodeText(Wire.Bytes("2[\"a\"]"))?.EventName);
        Assert.Throws<SocketIODecodeException>(() => decoder.DecodeText(Wire.Bytes("2[\"disconnect\"]")));
        Assert.Throws<SocketIODecodeException>(() => decoder.DecodeText(Wire.Bytes("2[\"disconnect\"]")));
        Assert.Equal("a", decoder.DecodeText(Wire.Bytes("2[\"a\"]"))?.EventName);
    }
}
