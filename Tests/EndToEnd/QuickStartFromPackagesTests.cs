using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// OrleansSocket as a user installs it: the libraries packed into a local feed (<c>dotnet pack</c>), samples/QuickStart's
/// sources in a folder outside the repository with <c>PackageReference</c>s to <c>OrleansSocket.Gateway</c> and
/// <c>OrleansSocket.Grains</c> (its co-hosted silo) only (no project reference, no npm), built, started, and driven by
/// socket.io-client 4.x.
/// </summary>
[Collection(QuickStartFromPackagesCollection.Name)]
public sealed class QuickStartFromPackagesTests(QuickStartFromPackagesFixture server, ITestOutputHelper output)
{
    [Fact]
    public Task The_app_built_from_packages_answers_the_official_client() =>
        E2eAssert.NodeScriptSucceedsAsync(server, output, "quickstart-client.js", "30000");

    [Fact]
    public async Task The_app_built_from_packages_serves_the_browser_client()
    {
        var (status, _) = await server.GetAsync("/socket.io/socket.io.min.js");
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
    }
}

/// <summary>Builds the QuickStart sources against the run's packed feed (<see cref="LocalPackageFeed"/>).</summary>
public sealed class QuickStartFromPackagesFixture : QuickStartServerFixture
{
    private string _app = "";

    protected override (string Directory, string Dll) Program => (_app, Path.Combine(_app, "bin", "Release", "net10.0", "QuickStart.dll"));

    protected override async Task PrepareAsync()
    {
        var feed = await LocalPackageFeed.GetAsync();
        _app = feed.AppDirectory("QuickStart");
        Directory.CreateDirectory(_app);
        var sample = Path.Combine(E2eEnvironment.RepoRoot, "samples", "QuickStart");
        foreach (var source in Directory.GetFiles(sample, "*.cs"))
            File.Copy(source, Path.Combine(_app, Path.GetFileName(source)));
        await File.WriteAllTextAsync(Path.Combine(_app, "QuickStart.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="OrleansSocket.Gateway" Version="{feed.Version}" />
                <PackageReference Include="OrleansSocket.Grains" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        await LocalPackageFeed.BuildAsync(_app);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class QuickStartFromPackagesCollection : ICollectionFixture<QuickStartFromPackagesFixture>
{
    public const string Name = "E2E QuickStart built from packages";
}
