namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The gateway serves the browser client at <c>/socket.io/socket.io.js</c> (from wwwroot, as Node's server serves
/// its own), although the path is under the Socket.IO endpoint: the demo pages load it from there.
/// </summary>
[Collection(DemoServerCollection.Name)]
public sealed class ClientBundleTests(DemoServerFixture server)
{
    [Fact]
    public async Task Browser_client_is_served_under_the_socket_io_path()
    {
        server.EnsureStarted();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync($"{server.BaseUrl}/socket.io/socket.io.js");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /socket.io/socket.io.js answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 200)]}\n{server.Describe()}");
        Assert.Contains("javascript", response.Content.Headers.ContentType?.MediaType ?? "");
        Assert.StartsWith("/*!\n * Socket.IO v", body);
    }
}
