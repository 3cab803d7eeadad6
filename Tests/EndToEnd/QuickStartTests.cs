using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// samples/QuickStart, the application of one's own the README shows (the gateway library and one handler class),
/// started as a process and driven by socket.io-client 4.x (Tests/clients/quickstart-client.js).
/// </summary>
[Collection(QuickStartServerCollection.Name)]
public sealed class QuickStartTests(QuickStartServerFixture server, ITestOutputHelper output)
{
    [Fact]
    public Task OfficialClientGetsTheAckAndTheOtherSocketTheMessage() =>
        E2eAssert.NodeScriptSucceedsAsync(server, output, "quickstart-client.js", "30000");

    [Fact]
    public async Task The_browser_client_is_served_without_npm_in_the_application()
    {
        server.EnsureStarted();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync($"{server.BaseUrl}/socket.io/socket.io.min.js");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("/*!\n * Socket.IO v4.", await response.Content.ReadAsStringAsync());
        Assert.False(System.IO.Directory.Exists(Path.Combine(QuickStartServerFixture.SampleDirectory, "node_modules")));
    }
}

/// <summary>With <c>SocketIO:ServeClient</c> off the client's paths are Engine.IO's again (400 "Transport unknown", as Node).</summary>
[Collection(QuickStartWithoutClientCollection.Name)]
public sealed class QuickStartWithoutClientTests(QuickStartWithoutClientFixture server)
{
    [Fact]
    public async Task ServeClient_off_leaves_the_path_to_Engine_IO()
    {
        server.EnsureStarted();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync($"{server.BaseUrl}/socket.io/socket.io.js");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Transport unknown", await response.Content.ReadAsStringAsync());
    }
}

/// <summary>samples/QuickStart started with <c>--SocketIO:ServeClient false</c>.</summary>
public sealed class QuickStartWithoutClientFixture : QuickStartServerFixture
{
    protected override IReadOnlyList<string> ExtraArguments => ["--SocketIO:ServeClient", "false"];
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class QuickStartWithoutClientCollection : ICollectionFixture<QuickStartWithoutClientFixture>
{
    public const string Name = "E2E QuickStart sample without the browser client";
}

/// <summary>samples/QuickStart as built by <c>dotnet build OrleansSocket.sln -c Release</c>; never substituted.</summary>
public class QuickStartServerFixture : ServerFixture
{
    internal static readonly string SampleDirectory = Path.Combine(E2eEnvironment.RepoRoot, "samples", "QuickStart");

    protected override string? Profile => null;

    protected override (string Directory, string Dll) Program =>
        (SampleDirectory, Path.Combine(SampleDirectory, "bin", "Release", "net10.0", "QuickStart.dll"));

    protected override bool Substitutable => false;
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class QuickStartServerCollection : ICollectionFixture<QuickStartServerFixture>
{
    public const string Name = "E2E QuickStart sample";
}
