namespace OrleansSocket.Tests.Handlers;

public class SocketIOEventNameTests
{
    [Theory]
    [InlineData("OnMyEvent", "my_event")]
    [InlineData("MyEvent", "my_event")]
    [InlineData("on_my_event", "my_event")]
    [InlineData("On_my_event", "my_event")]
    [InlineData("OnConnect", "connect")]
    [InlineData("OnDisconnect", "disconnect")]
    [InlineData("Message", "message")]
    [InlineData("OnHTTPRequest", "http_request")]
    [InlineData("OnGetV2Data", "get_v2_data")]
    [InlineData("Online", "online")]
    [InlineData("On", "on")]
    [InlineData("my_event", "my_event")]
    public void Method_name_becomes_snake_case_event_name(string method, string expected) =>
        Assert.Equal(expected, SocketIOEventName.FromMethodName(method));
}
