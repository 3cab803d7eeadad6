using System.Text;
using System.Text.Json;

namespace OrleansSocket.Tests.Handlers;

/// <summary>
/// A handler whose only argument parameter is a <see cref="SocketPayload"/> gets the client's arguments as they
/// arrived (no parse, no re-serialisation); with packet middleware, or other parameters, they are parsed as before.
/// </summary>
public class PayloadCopyThroughTests
{
    private const string Spaced = """[ "é<&>", {"a" : 1}, [ ] ]""";

    [Fact]
    public async Task A_lone_payload_parameter_gets_the_bytes_as_received()
    {
        var host = TestHost.Create(io => io.On("e", (SocketPayload args) => args));
        var ack = await host.DispatchRaw(new FakeSocket(), "e", Spaced);
        Assert.Empty(host.Errors);
        Assert.Equal(Spaced, TestHost.Json(ack));
    }

    [Fact]
    public async Task Socket_and_payload_get_the_bytes_and_the_attachments_as_received()
    {
        SocketPayload? seen = null;
        ISocket? seenSocket = null;
        var socket = new FakeSocket();
        byte[][] attachments = [[1, 2, 3]];
        var host = TestHost.Create(io => io.On("e", (ISocket s, SocketPayload p) =>
        {
            seenSocket = s;
            seen = p;
        }));
        var ack = await host.DispatchRaw(socket, "e", """[{"_placeholder":true,"num":0}]""", attachments);
        Assert.Empty(host.Errors);
        Assert.Same(socket, seenSocket);
        Assert.Equal("""[{"_placeholder":true,"num":0}]""", Encoding.UTF8.GetString(seen!.ArgsJson));
        Assert.Same(attachments, seen.Attachments);
        Assert.Equal("[]", TestHost.Json(ack));
    }

    [Fact]
    public async Task No_ack_when_the_client_asked_for_none()
    {
        var host = TestHost.Create(io => io.On("e", (SocketPayload args) => args));
        Assert.Null(await host.DispatchRaw(new FakeSocket(), "e", Spaced, wantsAck: false));
    }

    [Fact]
    public async Task With_packet_middleware_the_arguments_are_parsed_and_rewritten()
    {
        JsonElement[]? seenArgs = null;
        var host = TestHost.Create(io => io
            .UsePacket((_, _, args, next) =>
            {
                seenArgs = args;
                return next();
            })
            .On("e", (SocketPayload args) => args));
        var ack = await host.DispatchRaw(new FakeSocket(), "e", Spaced);
        Assert.Empty(host.Errors);
        Assert.Equal(3, seenArgs!.Length);
        var back = JsonDocument.Parse(ack!.ArgsJson).RootElement;
        Assert.Equal("é<&>", back[0].GetString());
        Assert.Equal(1, back[1].GetProperty("a").GetInt32());
    }

    [Fact]
    public async Task A_payload_after_an_argument_still_gets_the_rest()
    {
        var host = TestHost.Create(io => io.On("e", (string first, SocketPayload rest) => rest));
        var ack = await host.DispatchRaw(new FakeSocket(), "e", """["a", 2, "b"]""");
        Assert.Empty(host.Errors);
        Assert.Equal("""[2,"b"]""", TestHost.Json(ack));
    }

    [Fact]
    public async Task A_payload_that_is_not_an_array_is_an_error_and_no_ack()
    {
        var host = TestHost.Create(io => io.On("e", (SocketPayload args) => args));
        var ack = await host.DispatchRaw(new FakeSocket(), "e", """{"a":1}""");
        Assert.Null(ack);
        Assert.Single(host.Errors);
    }
}
