using Microsoft.Net.Http.Headers;
using OrleansSocket.Gateway.EngineIO;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>The handshake's header names are lower case, a well-known one the same string every time.</summary>
public sealed class LowerCaseHeaderNamesTests
{
    [Theory]
    [InlineData("Host", "host")]
    [InlineData("Sec-WebSocket-Key", "sec-websocket-key")]
    [InlineData("CONNECTION", "connection")]
    [InlineData("X-Custom-Thing", "x-custom-thing")]
    [InlineData("already-lower", "already-lower")]
    public void A_name_comes_out_lower_case(string name, string expected) =>
        Assert.Equal(expected, LowerCaseHeaderNames.Of(name));

    [Fact]
    public void A_well_known_name_is_one_shared_string_not_a_new_one_per_request()
    {
        var first = LowerCaseHeaderNames.Of(HeaderNames.SecWebSocketVersion);
        var second = LowerCaseHeaderNames.Of(new string(HeaderNames.SecWebSocketVersion.AsSpan()));
        Assert.Equal("sec-websocket-version", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void An_unknown_name_already_in_lower_case_is_returned_as_it_is()
    {
        var name = new string("x-trace-id".AsSpan());
        Assert.Same(name, LowerCaseHeaderNames.Of(name));
    }
}
