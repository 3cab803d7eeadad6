using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// OrleansSocket as a user installs it: the libraries packed into a local feed (<c>dotnet pack</c>), samples/QuickStart's
/// sources in a folder outside the repository with a <c>PackageReference</c> to <c>OrleansSocket.Gateway</c> only (no
/// project reference, no npm), built, started, and driven by socket.io-client 4.x.
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

/// <summary>Packs the solution's Release build into a fresh feed and builds the QuickStart sources against it.</summary>
public sealed class QuickStartFromPackagesFixture : QuickStartServerFixture
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(4);
    // A version of this run's own, so a package restored by an earlier run (NuGet caches by id and version) is never used.
    private readonly string _version = $"0.1.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "orleanssocket-packages-" + Guid.NewGuid().ToString("N")[..8]);

    protected override (string Directory, string Dll) Program =>
        (Path.Combine(_root, "app"), Path.Combine(_root, "app", "bin", "Release", "net10.0", "QuickStart.dll"));

    protected override async Task PrepareAsync()
    {
        var feed = Path.Combine(_root, "feed");
        var app = Path.Combine(_root, "app");
        Directory.CreateDirectory(app);
        await RunAsync("dotnet", ["pack", Path.Combine(E2eEnvironment.RepoRoot, "OrleansSocket.sln"), "-c", "Release", "--no-build",
            "-o", feed, $"-p:PackageVersion={_version}"], E2eEnvironment.RepoRoot);

        var sample = Path.Combine(E2eEnvironment.RepoRoot, "samples", "QuickStart");
        foreach (var source in Directory.GetFiles(sample, "*.cs"))
            File.Copy(source, Path.Combine(app, Path.GetFileName(source)));
        await File.WriteAllTextAsync(Path.Combine(app, "QuickStart.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="OrleansSocket.Gateway" Version="{_version}" />
              </ItemGroup>
            </Project>
            """);
        // The local feed beside the machine's own sources (Orleans and the rest come from there).
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="orleanssocket-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        // Outside the repository: its Directory.Build.props, central package versions and global.json do not apply.
        await RunAsync("dotnet", ["build", "-c", "Release"], app);
    }

    private static async Task RunAsync(string fileName, IEnumerable<string> arguments, string directory)
    {
        var result = await ExternalProcess.RunAsync(fileName, arguments, directory, StepTimeout);
        if (!result.Succeeded) throw new InvalidOperationException(result.Describe());
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
            // The packages this run restored into the machine's NuGet cache under its own version.
            var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (var id in new[] { "orleanssocket.gateway", "orleanssocket.grains", "orleanssocket.grains.interfaces" })
            {
                var folder = Path.Combine(cache, id, _version);
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // a temporary folder left behind is no test failure
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class QuickStartFromPackagesCollection : ICollectionFixture<QuickStartFromPackagesFixture>
{
    public const string Name = "E2E QuickStart built from packages";
}
