using System.Runtime.InteropServices;
using System.Text.Json;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Protocol;
using OrleansSocket.Tests.Sessions;
using static OrleansSocket.Tests.Protocol.Wire;

namespace OrleansSocket.Tests.Protocol;

/// <summary>
/// The inbound path's single pass and single copy: the scanner finds an EVENT's name and arguments while it validates,
/// and a session's decoder writes the arguments once, into the array the grain gets.
/// </summary>
public sealed class SessionDecodingTests
{
    private static SocketIODecoder SessionDecoder(SocketIOParserOptions? options = null) =>
        new(SocketIORevision.V5, options ?? new SocketIOParserOptions(), keepEventData: false);

    private static bool IsWholeArray(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length;

    [Fact]
    public void The_scanner_reports_a_root_array_s_first_element_and_where_the_second_starts()
    {
        var scan = JsonPayloadScanner.Scan(Bytes(" [ \"a\\u0062\" , 1, [2]] "), 0, 64, readFirstString: true);
        Assert.Equal(JsonTokenType.StartArray, scan.RootType);
        Assert.Equal(JsonTokenType.String, scan.FirstType);
        Assert.Equal("ab", scan.FirstString);
        Assert.Equal(15, scan.SecondStart); // the "1"

        var one = JsonPayloadScanner.Scan(Bytes("[{\"x\":[1]}]"), 0, 64, readFirstString: true);
        Assert.Equal(JsonTokenType.StartObject, one.FirstType);
        Assert.Null(one.FirstString);
        Assert.Equal(-1, one.SecondStart);

        Assert.Equal(JsonTokenType.None, JsonPayloadScanner.Scan(Bytes("[]"), 0, 64, readFirstString: true).FirstType);
        Assert.Equal(JsonTokenType.None, JsonPayloadScanner.Scan(Bytes("{\"a\":1}"), 0, 64, readFirstString: true).FirstType);
        Assert.Null(JsonPayloadScanner.Scan(Bytes("[\"a\",1]"), 0, 64).FirstString); // not asked for
    }

    [Fact]
    public void A_name_that_is_not_valid_unicode_is_reported_after_the_whole_payload_was_validated()
    {
        var lone = JsonPayloadScanner.Scan(Bytes("[\"\\ud800\",1]"), 0, 64, readFirstString: true);
        Assert.Equal(JsonTokenType.String, lone.FirstType);
        Assert.Null(lone.FirstString);
        var ex = Assert.Throws<SocketIODecodeException>(() => SessionDecoder().DecodeText(Bytes("2[\"\\ud800\",1]")));
        Assert.Contains("not valid Unicode", ex.Message);
        // Malformed JSON after such a name is reported as malformed JSON, as before.
        ex = Assert.Throws<SocketIODecodeException>(() => SessionDecoder().DecodeText(Bytes("2[\"\\ud800\",")));
        Assert.Contains("malformed JSON", ex.Message);
    }

    [Fact]
    public void A_session_s_decoder_gives_an_event_s_arguments_an_array_of_their_own_and_keeps_no_data()
    {
        var packet = SessionDecoder().DecodeText(Bytes("221[\"echo\", \"x\",{\"a\":[1]}]"))!;
        Assert.Equal("echo", packet.EventName);
        Assert.Equal(21, packet.Id);
        Assert.Equal("[\"x\",{\"a\":[1]}]", Text(packet.Args));
        Assert.True(IsWholeArray(packet.Args));
        Assert.True(packet.Data.IsEmpty);

        var nameOnly = SessionDecoder().DecodeText(Bytes("2[\"ping\"]"))!;
        Assert.Equal("[]", Text(nameOnly.Args));
    }

    [Fact]
    public void The_public_decoder_keeps_an_event_s_data_beside_its_arguments()
    {
        var packet = Decode("2[\"echo\",\"x\"]");
        Assert.Equal("[\"echo\",\"x\"]", Text(packet.Data));
        Assert.Equal("[\"x\"]", Text(packet.Args));
        Assert.False(IsWholeArray(packet.Args)); // one buffer holds both views
    }

    [Fact]
    public void An_ack_s_data_and_arguments_are_one_array()
    {
        var packet = SessionDecoder().DecodeText(Bytes("37[\"ok\",2]"))!;
        Assert.Equal("[\"ok\",2]", Text(packet.Args));
        Assert.True(IsWholeArray(packet.Args));
        Assert.True(packet.Data.Span == packet.Args.Span);
    }

    [Fact]
    public void A_binary_event_s_attachments_are_the_packet_s_own_array()
    {
        var decoder = SessionDecoder();
        Assert.Null(decoder.DecodeText(Bytes("52-[\"up\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]")));
        Assert.Null(decoder.DecodeBinary([1, 2]));
        var packet = decoder.DecodeBinary([3])!;
        var attachments = Assert.IsType<byte[][]>(packet.Attachments);
        Assert.Equal([[1, 2], [3]], attachments);
    }

    [Fact]
    public async Task The_grain_gets_the_arguments_name_and_ack_id_of_an_event()
    {
        var h = new SessionHarness(new SocketIOOptions());
        h.Receive("0");
        h.Receive("21[\"echo\",\"x\"]"); // 421["echo","x"] on the wire, after Engine.IO's "4"
        var (call, done) = await h.NextCallAsync();
        Assert.Equal("echo", call.Event);
        Assert.Equal("[\"x\"]", Text(call.Payload.ArgsJson));
        Assert.Equal(1, call.AckId);
        Assert.True(call.WantsAck);
        done.SetResult(null);
    }
}
