using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Tests.Handlers;
using OrleansSocket.Tests.Sessions;

namespace OrleansSocket.Tests.Logging;

/// <summary>
/// What a client causes costs one short Debug line, no stack trace: a production log (Information and up) stays
/// quiet however many bad packets a client sends.
/// </summary>
public sealed class ClientErrorLogTests
{
    private static void AssertOneShortDebugLine(IEnumerable<(LogLevel Level, string Message, Exception? Exception)> entries, string contains)
    {
        var line = Assert.Single(entries);
        Assert.Equal(LogLevel.Debug, line.Level);
        Assert.Null(line.Exception);
        Assert.DoesNotContain('\n', line.Message);
        Assert.Contains(contains, line.Message);
    }

    [Fact]
    public void A_packet_that_does_not_decode_closes_the_connection_with_a_Debug_line()
    {
        var h = new SessionHarness(new SocketIOOptions());
        h.Receive("0");
        h.Receive("2[\"event\",");

        Assert.Equal(1, h.Closes);
        AssertOneShortDebugLine(h.Logs.Entries, "bad packet");
    }

    [Fact]
    public void A_CONNECT_ERROR_sent_by_a_client_closes_the_connection_with_a_Debug_line()
    {
        var h = new SessionHarness(new SocketIOOptions());
        h.Receive("0");
        h.Receive("4{\"message\":\"x\"}");

        Assert.Equal(1, h.Closes);
        AssertOneShortDebugLine(h.Logs.Entries, "unexpected packet type");
    }

    [Fact]
    public void An_invalid_namespace_is_a_Debug_line()
    {
        var h = new SessionHarness(new SocketIOOptions()) { ConnectAnswer = _ => ConnectResult.InvalidNamespace };
        h.Receive("0/does-not-exist,");

        Assert.Equal(["4/does-not-exist,{\"message\":\"Invalid namespace\"}"], h.Sent);
        AssertOneShortDebugLine(h.Logs.Entries, "Invalid namespace");
    }

    [Fact]
    public async Task An_unknown_sid_is_refused_with_a_Debug_line()
    {
        var log = new ListLogger();
        var server = new EngineServer(new EchoEngineApplication(), new EngineIOOptions(), new EngineLog(log), new FakeTimeProvider());
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.QueryString = new QueryString("?EIO=4&transport=polling&sid=not-a-session");
        context.Response.Body = new MemoryStream();

        await server.HandleRequestAsync(context);

        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        AssertOneShortDebugLine(log.Entries, "Session ID unknown");
    }
}
