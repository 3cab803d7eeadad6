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
        ["OrleansSocket.Grains.Interfaces", "OrleansSocket.Grains.Client", "OrleansSocket.Grains", "OrleansSocket.Gateway", "OrleansSocket.Testing"];

    // The silo side (the grains, the silo runtime's package, grain storage) and Redis: a gateway that is only an
    // Orleans client must install none of them, and Redis comes only from a host that configures it.
    private static bool NotForAThinGateway(string id) =>
        id.Equals("OrleansSocket.Grains", StringComparison.OrdinalIgnoreCase)
        || id.Equals("Microsoft.Orleans.Server", StringComparison.OrdinalIgnoreCase)
        || id.StartsWith("Microsoft.Orleans.Persistence.", StringComparison.OrdinalIgnoreCase)
        || id.Contains("Redis", StringComparison.OrdinalIgnoreCase)
        || id.Equals("BCrypt.Net-Next", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task The_gateway_package_brings_an_Orleans_client_without_the_silo_side_or_Redis()
    {
        var feed = await LocalPackageFeed.GetAsync();
        var direct = Dependencies(Nuspec(feed, "OrleansSocket.Gateway"));
        Assert.Contains("Microsoft.Orleans.Client", direct);
        Assert.Contains("Microsoft.Orleans.Streaming", direct);
        Assert.Contains("OrleansSocket.Grains.Client", direct);
        var installed = Closure(feed, "OrleansSocket.Gateway");
        // the closure walked through our client package: what it brings is in the set too
        Assert.Contains("OrleansSocket.Grains.Interfaces", installed);
        Assert.DoesNotContain(installed, NotForAThinGateway);
    }

    [Fact]
    public async Task The_silo_side_is_what_brings_the_grains_storage_and_bcrypt()
    {
        var feed = await LocalPackageFeed.GetAsync();
        var direct = Dependencies(Nuspec(feed, "OrleansSocket.Grains"));
        Assert.Contains("OrleansSocket.Grains.Client", direct);
        Assert.Contains("Microsoft.Orleans.Persistence.Memory", direct);
        Assert.Contains("BCrypt.Net-Next", direct);
        Assert.DoesNotContain("Microsoft.Orleans.Server", Closure(feed, "OrleansSocket.Grains"));
    }

    [Fact]
    public async Task Orleans_runtime_comes_from_Orleans_streaming_not_from_an_OrleansSocket_package()
    {
        // Why an Orleans client of ours still installs Microsoft.Orleans.Runtime: Orleans' own Streaming package
        // depends on it, and the broadcasts are streams. None of our packages names it.
        var feed = await LocalPackageFeed.GetAsync();
        Assert.All(Libraries, id => Assert.DoesNotContain("Microsoft.Orleans.Runtime", Dependencies(Nuspec(feed, id))));
        var streaming = Path.Combine(NuGetPackagesFolder(), "microsoft.orleans.streaming", OrleansVersion(), "microsoft.orleans.streaming.nuspec");
        XDocument nuspec;
        await using (var stream = File.OpenRead(streaming)) nuspec = await XDocument.LoadAsync(stream, LoadOptions.None, default);
        Assert.Contains("Microsoft.Orleans.Runtime", Dependencies(nuspec));
    }

    [Theory]
    [InlineData("OrleansSocket.Grains.Interfaces")]
    [InlineData("OrleansSocket.Grains.Client")]
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
        var head = await GitAsync(E2eEnvironment.RepoRoot, "rev-parse", "HEAD");
        var origin = await GitOriginAsync(E2eEnvironment.RepoRoot);
        foreach (var package in Libraries.Append("OrleansSocket.Templates"))
        {
            var repository = Repository(Nuspec(feed, package));
            Assert.NotNull(repository);
            Assert.Equal("git", (string?)repository.Attribute("type"));
            Assert.Equal(head, (string?)repository.Attribute("commit"));
            // The URL of the checkout's origin remote; none without one, or when it is a folder of this machine (a
            // clone of a local repository, as CI makes), rather than a made-up one.
            Assert.Equal(PublishedUrl(origin), (string?)repository.Attribute("url"));
        }
    }

    [Theory]
    [InlineData("https://example.invalid/orleanssocket-origin.git", true)] // RFC 2606: a name that is never real
    [InlineData(null, false)] // the folder the clone was made from: a path on this machine, not a repository URL
    public async Task The_repository_url_is_the_origin_remote_of_the_checkout_when_it_is_a_url(string? url, bool published)
    {
        var clone = Path.Combine(Path.GetTempPath(), "orleanssocket-clone-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await GitAsync(Path.GetTempPath(), "clone", "--quiet", "--no-hardlinks", E2eEnvironment.RepoRoot, clone);
            if (url is not null) await GitAsync(clone, "remote", "set-url", "origin", url);
            var origin = await GitOriginAsync(clone);
            Assert.NotNull(origin);
            Assert.Equal(published, PublishedUrl(origin) is not null);
            var output = Path.Combine(clone, "packed");
            await LocalPackageFeed.RunAsync("dotnet", ["pack", Path.Combine(clone, "Grains.Interfaces", "Grains.Interfaces.csproj"),
                "-c", "Release", "-nodeReuse:false", "-o", output, "-p:PackageVersion=0.0.0-origin"], clone);
            var nuspec = ReadNuspec(Path.Combine(output, "OrleansSocket.Grains.Interfaces.0.0.0-origin.nupkg"));
            var repository = Repository(nuspec);
            Assert.Equal(published ? url : null, (string?)repository?.Attribute("url"));
            Assert.Equal(await GitAsync(clone, "rev-parse", "HEAD"), (string?)repository?.Attribute("commit"));
            Assert.Equal(published ? url : null, nuspec.Descendants().SingleOrDefault(e => e.Name.LocalName == "projectUrl")?.Value);
        }
        finally
        {
            if (Directory.Exists(clone)) Directory.Delete(clone, recursive: true);
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

    private static async Task<string> GitAsync(string directory, params string[] arguments)
    {
        var result = await ExternalProcess.RunAsync("git", arguments, directory, TimeSpan.FromSeconds(60));
        Assert.True(result.Succeeded, result.Describe());
        return result.Output.Trim();
    }

    /// <summary>The URL of the checkout's <c>origin</c> remote, null when it has none.</summary>
    private static async Task<string?> GitOriginAsync(string directory)
    {
        var remotes = (await GitAsync(directory, "remote")).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return remotes.Contains("origin") ? await GitAsync(directory, "remote", "get-url", "origin") : null;
    }

    /// <summary>
    /// The URL SourceLink packs for an origin remote: the remote when it is a URL, none when it is a path on this
    /// machine (a local clone's origin, which would mean nothing to a package's user).
    /// </summary>
    private static string? PublishedUrl(string? origin) =>
        origin is null || Path.IsPathRooted(origin) || origin.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? null : origin;

    private static string NuGetPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The Orleans version of the build (Directory.Packages.props).</summary>
    private static string OrleansVersion() =>
        XDocument.Load(Path.Combine(E2eEnvironment.RepoRoot, "Directory.Packages.props")).Descendants()
            .Single(e => e.Name.LocalName == "OrleansVersion").Value;
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackageMetadataCollection
{
    public const string Name = "E2E package metadata";
}
