using Microsoft.AspNetCore.Http;
using OrleansSocket.Gateway.EngineIO;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>The Engine.IO request's query, parsed without <c>request.Query</c> (which the request would keep).</summary>
public sealed class EngineQueryTests
{
    [Fact]
    public void Parameters_are_decoded_and_a_repeated_one_keeps_its_last_value()
    {
        var query = EngineServer.ParseQuery(new QueryString("?EIO=4&transport=websocket&name=a%20b&x=1&x=2&empty="));
        Assert.Equal("4", query["EIO"]);
        Assert.Equal("websocket", query["transport"]);
        Assert.Equal("a b", query["name"]);
        Assert.Equal("2", query["x"]);
        Assert.Equal("", query["empty"]);
        Assert.Equal(5, query.Count);
    }

    [Fact]
    public void No_query_string_gives_no_parameters()
    {
        Assert.Empty(EngineServer.ParseQuery(QueryString.Empty));
        Assert.Null(EngineServer.Find(EngineServer.ParseQuery(QueryString.Empty), "sid"));
    }

    [Fact]
    public void A_parameter_is_found_whatever_its_case_as_with_request_Query()
    {
        var query = EngineServer.ParseQuery(new QueryString("?eio=4&SID=abc"));
        Assert.Equal("4", EngineServer.Find(query, "EIO"));
        Assert.Equal("abc", EngineServer.Find(query, "sid"));
        Assert.Null(EngineServer.Find(query, "transport"));
    }
}
