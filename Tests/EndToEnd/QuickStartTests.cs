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
    public async Task The_browser_client_is_served_by_an_application_built_without_npm()
    {
        var (status, body) = await server.GetAsync("/socket.io/socket.io.min.js");
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.StartsWith("/*!\n * Socket.IO v4.", body);
    }
}

/// <summary>With <c>SocketIO:ServeClient</c> off the client's paths are Engine.IO's again (400 "Transport unknown", as Node).</summary>
[Collection(QuickStartWithoutClientCollection.Name)]
public sealed class QuickStartWithoutClientTests(QuickStartWithoutClientFixture server)
{
    [Fact]
    public async Task ServeClient_off_leaves_the_path_to_Engine_IO()
    {
        var (status, body) = await server.GetAsync("/socket.io/socket.io.js");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, status);
        Assert.Contains("Transport unknown", body);
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
    private static readonly string SampleDirectory = Path.Combine(E2eEnvironment.RepoRoot, "samples", "QuickStart");

    protected override string? Profile => null;

    protected override (string Directory, string Dll) Program =>
        (SampleDirectory, Path.Combine(SampleDirectory, "bin", "Release", "net10.0", "QuickStart.dll"));

    protected override bool Substitutable => false;

    /// <summary>GET <paramref name="path"/> from the started sample: its status and body.</summary>
    public async Task<(System.Net.HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        EnsureStarted();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(BaseUrl + path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class QuickStartServerCollection : ICollectionFixture<QuickStartServerFixture>
{
    public const string Name = "E2E QuickStart sample";
}
