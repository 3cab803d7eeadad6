using System.Net;
using System.Text.Json;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// <c>MapSocketIO()</c> serves the official browser client under the Socket.IO path, as Node's server does with
/// <c>serveClient</c>: each file of socket.io-client's dist/ by its own name, with an ETag that a revalidation
/// answers with 304. The demo pages load it from there.
/// </summary>
[Collection(DemoServerCollection.Name)]
public sealed class ClientBundleTests(DemoServerFixture server)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Theory]
    [InlineData("socket.io.js", false)]
    [InlineData("socket.io.min.js", true)]
    [InlineData("socket.io.esm.min.js", true)]
    [InlineData("socket.io.msgpack.min.js", true)]
    public async Task Each_bundle_is_served_by_its_name(string file, bool minified)
    {
        server.EnsureStarted();
        using var response = await Http.GetAsync($"{server.BaseUrl}/socket.io/{file}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /socket.io/{file} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 200)]}\n{server.Describe()}");
        Assert.Equal("application/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("/*!\n * Socket.IO v4.", body);
        // The minified bundles are one long line after their banner; the full one is formatted.
        var lines = body.Split('\n').Length;
        if (minified) Assert.True(lines < 20, $"{file}: {lines} lines");
        else Assert.True(lines > 1000, $"{file}: {lines} lines");
        Assert.EndsWith($"sourceMappingURL={file}.map", body.TrimEnd());
    }

    [Fact]
    public async Task Source_maps_are_served_as_json()
    {
        server.EnsureStarted();
        using var response = await Http.GetAsync($"{server.BaseUrl}/socket.io/socket.io.min.js.map");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var map = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        Assert.Equal(3, map.RootElement.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_revalidation_with_the_etag_gets_304_and_another_etag_the_file()
    {
        server.EnsureStarted();
        var url = $"{server.BaseUrl}/socket.io/socket.io.min.js";
        using var first = await Http.GetAsync(url);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Equal("public, max-age=0", first.Headers.CacheControl?.ToString());

        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.TryAddWithoutValidation("If-None-Match", etag.Tag);
        using var notModified = await Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var other = new HttpRequestMessage(HttpMethod.Get, url);
        other.Headers.TryAddWithoutValidation("If-None-Match", "\"not-this-one\"");
        using var full = await Http.SendAsync(other);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await full.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Other_names_under_the_path_stay_Engine_IO_requests()
    {
        server.EnsureStarted();
        using var response = await Http.GetAsync($"{server.BaseUrl}/socket.io/socket.io.debug.js");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode); // Engine.IO: "Transport unknown"
    }
}
