using System.IO.Compression;
using System.Xml.Linq;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// What each package produced by <c>dotnet pack</c> declares (its <c>.nuspec</c>): the dependencies a user installs
/// with it, and where it was built from. Reads the run's packed feed (<see cref="LocalPackageFeed"/>).
/// </summary>
[Collection(PackageMetadataCollection.Name)]
public sealed class PackageMetadataTests
{
    private static readonly string[] Libraries =
        ["OrleansSocket.Grains.Interfaces", "OrleansSocket.Grains", "OrleansSocket.Gateway", "OrleansSocket.Testing"];

    // The silo runtime's package and Redis: a gateway that is only an Orleans client must install neither, and Redis
    // comes only from a host that configures it.
    private static readonly string[] NotForAThinGateway =
        ["Microsoft.Orleans.Server", "Microsoft.Orleans.Clustering.Redis", "Microsoft.Orleans.Persistence.Redis", "StackExchange.Redis"];

    [Fact]
    public async Task The_gateway_package_brings_an_Orleans_client_without_the_silo_runtime_package_or_Redis()
    {
        var feed = await LocalPackageFeed.GetAsync();
        var direct = Dependencies(Nuspec(feed, "OrleansSocket.Gateway"));
        Assert.Contains("Microsoft.Orleans.Client", direct);
        Assert.Contains("Microsoft.Orleans.Streaming", direct);
        var installed = Closure(feed, "OrleansSocket.Gateway");
        Assert.All(NotForAThinGateway, id => Assert.DoesNotContain(id, installed));
    }

    [Theory]
    [InlineData("OrleansSocket.Grains.Interfaces")]
    [InlineData("OrleansSocket.Grains")]
    public async Task The_handler_API_and_the_grains_packages_bring_no_Redis(string package)
    {
        var feed = await LocalPackageFeed.GetAsync();
        var installed = Closure(feed, package);
        Assert.DoesNotContain("Microsoft.Orleans.Clustering.Redis", installed);
        Assert.DoesNotContain("Microsoft.Orleans.Persistence.Redis", installed);
        Assert.DoesNotContain("StackExchange.Redis", installed);
    }

    [Fact]
    public async Task Every_package_names_git_and_the_commit_it_was_built_from()
    {
        var feed = await LocalPackageFeed.GetAsync();
        var head = await GitHeadAsync();
        foreach (var package in Libraries.Append("OrleansSocket.Templates"))
        {
            var repository = Repository(Nuspec(feed, package));
            Assert.NotNull(repository);
            Assert.Equal("git", (string?)repository.Attribute("type"));
            Assert.Equal(head, (string?)repository.Attribute("commit"));
            // No remote in this checkout and no RepositoryUrl given: no URL at all, rather than a made-up one.
            Assert.Null(repository.Attribute("url"));
        }
    }

    [Fact]
    public async Task A_release_build_passes_the_repository_url_which_is_also_the_project_url()
    {
        const string url = "https://example.invalid/orleanssocket.git"; // RFC 2606: a name that is never real
        var output = Path.Combine(Path.GetTempPath(), "orleanssocket-pack-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await LocalPackageFeed.RunAsync("dotnet", ["pack", Path.Combine(E2eEnvironment.RepoRoot, "Grains.Interfaces", "Grains.Interfaces.csproj"),
                "-c", "Release", "--no-build", "-o", output, "-p:PackageVersion=0.0.0-url", $"-p:RepositoryUrl={url}"], E2eEnvironment.RepoRoot);
            var nuspec = ReadNuspec(Path.Combine(output, "OrleansSocket.Grains.Interfaces.0.0.0-url.nupkg"));
            Assert.Equal(url, (string?)Repository(nuspec)?.Attribute("url"));
            Assert.Equal(url, nuspec.Descendants().Single(e => e.Name.LocalName == "projectUrl").Value);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    private static XDocument Nuspec(LocalPackageFeed feed, string id) =>
        ReadNuspec(Path.Combine(feed.Feed, $"{id}.{feed.Version}.nupkg"));

    private static XDocument ReadNuspec(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        return XDocument.Load(stream);
    }

    private static XElement? Repository(XDocument nuspec) => nuspec.Descendants().SingleOrDefault(e => e.Name.LocalName == "repository");

    private static string[] Dependencies(XDocument nuspec) =>
        [.. nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).Distinct()];

    /// <summary>The package's dependencies and, for those that are OrleansSocket packages of the feed, theirs.</summary>
    private static HashSet<string> Closure(LocalPackageFeed feed, string id)
    {
        var found = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>([id]);
        while (pending.TryPop(out var package))
        {
            foreach (var dependency in Dependencies(Nuspec(feed, package)))
            {
                if (found.Add(dependency) && Libraries.Contains(dependency)) pending.Push(dependency);
            }
        }
        return found;
    }

    private static async Task<string> GitHeadAsync()
    {
        var result = await ExternalProcess.RunAsync("git", ["rev-parse", "HEAD"], E2eEnvironment.RepoRoot, TimeSpan.FromSeconds(30));
        Assert.True(result.Succeeded, result.Describe());
        return result.Output.Trim();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackageMetadataCollection
{
    public const string Name = "E2E package metadata";
}
