using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Tests.Protocol;

/// <summary>
/// Every malformed input must raise <see cref="SocketIODecodeException"/> and nothing else.
/// Cases marked "parser.js"/"buffer.js" are socket.io-parser's own test vectors.
/// </summary>
public class MalformedInputTests
{
    [Theory]
    [InlineData("7")]
    [InlineData("8[\"a\"]")]
    [InlineData("999")] // parser.js: unknown packet type 9
    [InlineData("a")]
    [InlineData("-1")]
    [InlineData(" 2[\"a\"]")]
    public void Unknown_packet_type(string text)
    {
        var ex = Assert.Throws<SocketIODecodeException>(() => Wire.Decoder().DecodeText(Wire.Bytes(text)));
        Assert.StartsWith("unknown packet type", ex.Message);
    }

    [Fact]
    public void Empty_packet()
    {
        var ex = Assert.Throws<SocketIODecodeException>(() => Wire.Decoder().DecodeText([]));
        Assert.Equal("empty packet", ex.Message);
    }

    [Theory]
    [InlineData("442[\"some\",\"data\"")] // parser.js
    [InlineData("2/admin,\"invalid")] // parser.js
    [InlineData("2[\"foo\"")]
    [InlineData("2[\"foo\",")]
    [InlineData("2[")]
    [InlineData("2[\"fo")]
    [InlineData("0{")]
    [InlineData("0{\"token\":")]
    [InlineData("3/admin,13[\"bar\"")]
    [InlineData("2 ")]
    [InlineData("2['a']")]
    [InlineData("2[a]")]
    [InlineData("2[\"a\",]")]
    [InlineData("2[\"a\" \"b\"]")]
    [InlineData("0{\"a\":1,}")]
    [InlineData("0{a:1}")]
    [InlineData("2[\"a\"]x")]
    [InlineData("2[\"a\"][\"b\"]")]
    [InlineData("2[\"a\",NaN]")]
    [InlineData("2[\"a\",undefined]")]
    [InlineData("2[\"a\"/*c*/]")]
    [InlineData("2[\"a\",\"\u0001\"]")]
    public void Truncated_or_invalid_json(string text)
    {
        var ex = Assert.Throws<SocketIODecodeException>(() => Wire.Decoder().DecodeText(Wire.Bytes(text)));
        Assert.StartsWith("invalid payload", ex.Message);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("2/admin,")]
    [InlineData("2/admin")]
    [InlineData("212")]
    [InlineData("2[]")]
    [InlineData("2/admin,[]")]
    [InlineData("2/admin,{}")] // parser.js
    [InlineData("2{\"a\":1}")]
    [InlineData("2\"foo\"")]
    [InlineData("2/admin,1\"x\"")]
    [InlineData("2 null")]
    public void Event_payload_must_be_a_non_empty_array(string text) => Wire.Rejects(text);

    [Theory]
    [InlineData("2[1]")]
    [InlineData("2[1,\"a\",{}]")] // socket.io-parser accepts numeric names; SocketIOPacket.EventName is a string
    [InlineData("2[true,\"foo\"]")] // parser.js
    [InlineData("2[null,\"bar\"]")] // parser.js
    [InlineData("2[{\"toString\":\"foo\"}]")] // parser.js
    [InlineData("2[[\"a\"]]")]
    [InlineData("2[{\"_placeholder\":true,\"num\":0}]")]
    public void Event_name_must_be_a_string(string text) => Wire.Rejects(text);

    [Theory]
    [InlineData("connect")]
    [InlineData("connect_error")]
    [InlineData("disconnect")]
    [InlineData("disconnecting")]
    [InlineData("newListener")]
    [InlineData("removeListener")]
    public void Reserved_event_names_are_rejected(string name)
    {
        var ex = Assert.Throws<SocketIODecodeException>(
            () => Wire.Decoder().DecodeText(Wire.Bytes($"2/admin,1[\"{name}\",\"123\"]")));
        Assert.Contains("reserved", ex.Message);
        Assert.True(SocketIOReservedEvents.IsReserved(name));
    }

    [Theory]
    [InlineData("2[\"connect\"]")] // parser.js
    [InlineData("2[\"disconnect\",\"123\"]")] // parser.js
    [InlineData("2[\"\\u0063onnect\"]")] // escaped: JSON.parse sees "connect" too
    [InlineData("51-[\"disconnecting\",{\"_placeholder\":true,\"num\":0}]")]
    public void Reserved_event_names_are_rejected_in_every_form(string text) => Wire.Rejects(text);

    [Theory]
    [InlineData("Connect")]
    [InlineData("connect ")]
    [InlineData("newlistener")]
    public void Reserved_names_are_case_and_exact_match(string name)
    {
        var packet = Wire.Decode($"2[\"{name}\"]");
        Assert.Equal(name, packet.EventName);
    }

    [Theory]
    [InlineData("0[]")] // parser.js
    [InlineData("0/admin,\"invalid\"")] // parser.js
    [InlineData("0null")]
    [InlineData("0true")]
    [InlineData("0/admin, 42")]
    public void Connect_payload_must_be_an_object_in_v5(string text) => Wire.Rejects(text);

    [Theory]
    [InlineData("0{}")]
    [InlineData("0/admin,{\"token\":\"123\"}")]
    [InlineData("0[]")]
    [InlineData("0\"x\"")]
    public void Connect_has_no_payload_in_v4(string text)
    {
        var ex = Assert.Throws<SocketIODecodeException>(() => Wire.Decoder(4).DecodeText(Wire.Bytes(text)));
        Assert.StartsWith("invalid payload", ex.Message);
    }

    [Theory]
    [InlineData("1/admin,{}")] // parser.js
    [InlineData("1[]")]
    [InlineData("1\"bye\"")]
    [InlineData("1/admin,null")]
    public void Disconnect_has_no_payload(string text)
    {
        Wire.Rejects(text);
        Wire.Rejects(text, 4);
    }

    [Theory]
    [InlineData("31{}")]
    [InlineData("31\"x\"")]
    [InlineData("31null")]
    [InlineData("3/admin,13{\"a\":1}")]
    [InlineData("31")] // no payload
    [InlineData("3/admin,13")]
    [InlineData("3[]")] // no ack id
    [InlineData("3/admin,[\"bar\"]")]
    public void Ack_needs_an_id_and_an_array(string text)
    {
        Wire.Rejects(text);
        Wire.Rejects(text, 4);
    }

    [Theory]
    [InlineData("4[]")]
    [InlineData("4/admin,[\"Not authorized\"]")]
    [InlineData("4/admin, 1")]
    [InlineData("4null")]
    [InlineData("4true")]
    public void Connect_error_payload_must_be_a_string_or_an_object(string text)
    {
        Wire.Rejects(text);
        Wire.Rejects(text, 4);
    }

    [Theory]
    [InlineData("212345678901234567890[\"a\"]")] // 20 digits
    [InlineData("2123456789012345678901234567890[\"a\"]")]
    [InlineData("29223372036854775808[\"a\"]")] // long.MaxValue + 1
    [InlineData("39999999999999999999[]")]
    [InlineData("3/admin,00000000000000000000001[]")] // long even if the value is small: digits are bounded
    public void Ack_id_too_long(string text)
    {
        var ex = Assert.Throws<SocketIODecodeException>(() => Wire.Decoder().DecodeText(Wire.Bytes(text)));
        Assert.StartsWith("ack id", ex.Message);
    }

    [Fact]
    public void Ack_id_up_to_long_max_value_is_accepted()
    {
        Assert.Equal(long.MaxValue, Wire.Decode("29223372036854775807[\"a\"]").Id);
        Assert.Equal(long.MaxValue, Wire.Decode("3/admin,9223372036854775807[]").Id);
    }

    [Theory]
    [InlineData("2abc[\"a\"]")]
    [InlineData("2-1[\"a\"]")]
    [InlineData("21.5[\"a\"]")]
    [InlineData("21e3[\"a\"]")]
    [InlineData("2/admin,x13[\"a\"]")]
    [InlineData("3/admin,0x10[]")]
    [InlineData("3/admin, 13[]")]
    public void Ack_id_not_numeric(string text) => Wire.Rejects(text);

    [Theory]
    [InlineData("5")] // parser.js
    [InlineData("51")] // parser.js
    [InlineData("50-")] // parser.js
    [InlineData("5a-")] // parser.js
    [InlineData("51.23-")] // parser.js
    [InlineData("5-[\"a\"]")]
    [InlineData("5-1-[\"a\",{\"_placeholder\":true,\"num\":0}]")]
    [InlineData("5 1-[\"a\",{\"_placeholder\":true,\"num\":0}]")]
    [InlineData("51[\"a\",{\"_placeholder\":true,\"num\":0}]")]
    [InlineData("6x-1[{\"_placeholder\":true,\"num\":0}]")]
    [InlineData("61e0-1[{\"_placeholder\":true,\"num\":0}]")]
    [InlineData("60-1[]")]
    public void Attachment_count_not_a_positive_number(string text)
    {
        var ex = Assert.Throws<SocketIODecodeException>(() => Wire.Decoder().DecodeText(Wire.Bytes(text)));
        Assert.StartsWith("illegal attachments", ex.Message);
    }

    [Theory]
    [InlineData("511-[\"a\",{\"_placeholder\":true,\"num\":0}]")]
    [InlineData("5999999999-[\"a\",{\"_placeholder\":true,\"num\":0}]")]
    [InlineData("599999999999999999999-[\"a\",{\"_placeholder\":true,\"num\":0}]")]
    [InlineData("6100-1[{\"_placeholder\":true,\"num\":0}]")]
    public void Attachment_count_above_the_limit(string text)
    {
        var ex = Assert.Throws<SocketIODecodeException>(() => Wire.Decoder().DecodeText(Wire.Bytes(text)));
        Assert.StartsWith("too many attachments", ex.Message);
    }

    [Theory]
    [InlineData("{\"_placeholder\":true,\"num\":\"splice\"}")] // buffer.js
    [InlineData("{\"_placeholder\":true,\"num\":\"__proto__\"}")]
    [InlineData("{\"_placeholder\":true,\"num\":\"0\"}")]
    [InlineData("{\"_placeholder\":true,\"num\":-1}")]
    [InlineData("{\"_placeholder\":true,\"num\":0.5}")]
    [InlineData("{\"_placeholder\":true,\"num\":1.0}")]
    [InlineData("{\"_placeholder\":true,\"num\":1e0}")]
    [InlineData("{\"_placeholder\":true,\"num\":null}")]
    [InlineData("{\"_placeholder\":true,\"num\":true}")]
    [InlineData("{\"_placeholder\":true,\"num\":{}}")]
    [InlineData("{\"_placeholder\":true,\"num\":[0]}")]
    [InlineData("{\"_placeholder\":true,\"num\":99999999999999999999}")]
    public void Placeholder_num_not_a_non_negative_integer(string placeholder)
    {
        var ex = Assert.Throws<SocketIODecodeException>(
            () => Wire.Decoder().DecodeText(Wire.Bytes($"52-[\"a\",{{\"_placeholder\":true,\"num\":0}},{placeholder}]")));
        Assert.StartsWith("illegal attachments", ex.Message);
    }

    [Theory]
    [InlineData("51-[\"hello\",{\"_placeholder\":true,\"num\":1}]")] // buffer.js: out of bound
    [InlineData("52-[\"hello\",{\"_placeholder\":true,\"num\":2}]")]
    [InlineData("61-1[{\"_placeholder\":true,\"num\":10}]")]
    [InlineData("51-[\"hello\",{\"_placeholder\":true,\"num\":9223372036854775807}]")]
    public void Placeholder_num_out_of_range(string text)
    {
        var ex = Assert.Throws<SocketIODecodeException>(() => Wire.Decoder().DecodeText(Wire.Bytes(text)));
        Assert.Contains("out of range", ex.Message);
    }

    [Theory]
    [InlineData("{\"_placeholder\":true}")]
    [InlineData("{\"_placeholder\":true,\"num\":0,\"x\":1}")]
    [InlineData("{\"_placeholder\":true,\"num\":0,\"__proto__\":{\"polluted\":1}}")]
    [InlineData("{\"__proto__\":null,\"_placeholder\":true,\"num\":0}")]
    [InlineData("{\"_placeholder\":true,\"num\":0,\"num\":0}")]
    [InlineData("{\"_placeholder\":true,\"_placeholder\":true,\"num\":0}")]
    [InlineData("{\"_placeholder\":false,\"_placeholder\":true,\"num\":0}")]
    [InlineData("{\"_placeholder\":true,\"num\":0,\"constructor\":{\"prototype\":{}}}")]
    [InlineData("{\"_placeholder\":true,\"\\u006eum\":0,\"n\\u0075m\":0}")]
    public void Placeholder_with_extra_or_duplicate_fields(string placeholder)
    {
        var ex = Assert.Throws<SocketIODecodeException>(
            () => Wire.Decoder().DecodeText(Wire.Bytes($"51-[\"a\",{placeholder}]")));
        Assert.StartsWith("illegal attachments", ex.Message);
    }

    [Theory]
    [InlineData("2[\"a\",{\"_placeholder\":true,\"num\":0}]")]
    [InlineData("2[\"a\",{\"deep\":[{\"_placeholder\":true,\"num\":0}]}]")]
    [InlineData("31[{\"_placeholder\":true,\"num\":0}]")]
    [InlineData("0{\"token\":{\"_placeholder\":true,\"num\":0}}")]
    [InlineData("4{\"message\":\"x\",\"data\":{\"_placeholder\":true,\"num\":0}}")]
    public void Placeholder_in_a_packet_without_attachments(string text)
    {
        // Forwarded into someone else's BINARY_EVENT, it would be taken for a real attachment there.
        var ex = Assert.Throws<SocketIODecodeException>(() => Wire.Decoder().DecodeText(Wire.Bytes(text)));
        Assert.Contains("placeholder in a packet without attachments", ex.Message);
    }

    [Fact]
    public void Binary_frame_without_a_pending_packet()
    {
        var decoder = Wire.Decoder();

        var ex = Assert.Throws<SocketIODecodeException>(() => decoder.DecodeBinary([1, 2, 3]));

        Assert.Equal("got binary data when not reconstructing a packet", ex.Message);
    }

    [Fact]
    public void Binary_frame_after_a_completed_binary_packet()
    {
        var decoder = Wire.Decoder();
        Assert.Null(decoder.DecodeText(Wire.Bytes("51-[\"a\",{\"_placeholder\":true,\"num\":0}]")));
        Assert.NotNull(decoder.DecodeBinary([1]));

        Assert.Throws<SocketIODecodeException>(() => decoder.DecodeBinary([2]));
    }

    [Fact]
    public void Text_frame_while_attachments_are_pending()
    {
        var decoder = Wire.Decoder();
        Assert.Null(decoder.DecodeText(Wire.Bytes("52-[\"hello\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]")));
        Assert.Null(decoder.DecodeBinary([1]));

        var ex = Assert.Throws<SocketIODecodeException>(() => decoder.DecodeText(Wire.Bytes("2[\"hello\"]")));

        Assert.Equal("got plaintext data when reconstructing a packet", ex.Message);
        Assert.False(decoder.IsAwaitingAttachments); // the broken packet is dropped, not completed later
        Assert.Throws<SocketIODecodeException>(() => decoder.DecodeBinary([2]));
    }

    [Theory]
    [InlineData("2admin,[\"a\"]")]
    [InlineData("0admin,{}")]
    [InlineData("0admin,")]
    [InlineData("1admin,")]
    [InlineData("3admin,1[]")]
    [InlineData("51-admin,[\"a\",{\"_placeholder\":true,\"num\":0}]")]
    public void Namespace_must_start_with_a_slash(string text)
    {
        Wire.Rejects(text);
        Wire.Rejects(text, 4);
    }

    [Fact]
    public void Invalid_utf8_in_the_namespace()
    {
        byte[] text = [(byte)'2', (byte)'/', 0xFF, 0xFE, (byte)',', (byte)'[', (byte)'"', (byte)'a', (byte)'"', (byte)']'];

        var ex = Assert.Throws<SocketIODecodeException>(() => Wire.Decoder().DecodeText(text));

        Assert.Contains("UTF-8", ex.Message);
    }

    [Fact]
    public void Invalid_utf8_in_the_v4_query()
    {
        byte[] text = [(byte)'0', (byte)'/', (byte)'a', (byte)'?', 0xC3, (byte)','];

        Assert.Throws<SocketIODecodeException>(() => Wire.Decoder(4).DecodeText(text));
    }

    [Fact]
    public void Invalid_utf8_in_the_json()
    {
        byte[] text = [(byte)'2', (byte)'[', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)']'];

        Assert.Throws<SocketIODecodeException>(() => Wire.Decoder().DecodeText(text));
    }

    [Fact]
    public void Event_name_with_a_lone_surrogate()
    {
        // Valid JSON (JSON.parse takes it), but not a string .NET can hold without corrupting it.
        var ex = Assert.Throws<SocketIODecodeException>(() => Wire.Decoder().DecodeText(Wire.Bytes("2[\"\\ud800\"]")));
        Assert.Contains("event name", ex.Message);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit()
    {
        var deep = "2[\"a\"," + new string('[', 100) + new string(']', 100) + "]";
        var shallow = "2[\"a\"," + new string('[', 60) + new string(']', 60) + "]";

        Wire.Rejects(deep);
        Assert.Equal("a", Wire.Decode(shallow).EventName);
    }
}
