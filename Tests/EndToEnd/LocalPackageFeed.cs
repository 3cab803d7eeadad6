namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The packages as a user gets them, made once per test run and shared by every test that builds from packages
/// (<see cref="QuickStartFromPackagesFixture"/>, the template tests): the solution's Release build packed
/// (<c>dotnet pack --no-build</c>) into a folder feed under a version of this run's own, a <c>nuget.config</c> in
/// the folder above the apps (the feed beside the machine's own sources, which serve Orleans and the rest), and,
/// on first use, the template package installed into a template hive of its own. All of it lives in a temporary
/// folder outside the repository (its Directory.Build.props, central package versions and global.json do not
/// apply), deleted once the test process has ended, together with the packages this run restored into NuGet's cache.
/// </summary>
internal sealed class LocalPackageFeed
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(4);
    private static readonly Lazy<Task<LocalPackageFeed>> Shared = new(CreateAsync);
    private readonly Lazy<Task<string>> _templateHive;

    private LocalPackageFeed(string root, string version)
    {
        Root = root;
        Version = version;
        _templateHive = new(InstallTemplatesAsync);
    }

    /// <summary>The temporary folder: <c>feed/</c>, <c>nuget.config</c>, the template hive and the apps.</summary>
    public string Root { get; }

    /// <summary>The folder feed the packages are in.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>The version every package of this run has (NuGet caches by id and version: never one of an earlier run).</summary>
    public string Version { get; }

    /// <summary>The packed solution, packed on the first call.</summary>
    public static Task<LocalPackageFeed> GetAsync() => Shared.Value;

    /// <summary>A new folder for an app under <see cref="Root"/>, where the feed's <c>nuget.config</c> applies.</summary>
    public string AppDirectory(string name) => Path.Combine(Root, name);

    /// <summary>
    /// The template hive (<c>dotnet new --debug:custom-hive</c>) holding OrleansSocket.Templates from the feed,
    /// installed on the first call; the machine's own <c>dotnet new</c> state is not touched.
    /// </summary>
    public Task<string> TemplateHiveAsync() => _templateHive.Value;

    /// <summary>Runs a command (dotnet, typically) and throws with its output unless it succeeds.</summary>
    public static async Task RunAsync(string fileName, IEnumerable<string> arguments, string directory)
    {
        var result = await ExternalProcess.RunAsync(fileName, arguments, directory, StepTimeout);
        if (!result.Succeeded) throw new InvalidOperationException(result.Describe());
    }

    /// <summary>
    /// <c>dotnet build -c Release</c> as a user's project is built, warnings as errors (the apps must compile clean
    /// under the SDK's defaults), except NU1603 as in the repository's own build (the machine's package source lacks
    /// a version Orleans' Redis clustering names).
    /// </summary>
    public static Task BuildAsync(string directory) =>
        RunAsync("dotnet", ["build", "-c", "Release", "-nodeReuse:false", "-p:TreatWarningsAsErrors=true", "-p:WarningsNotAsErrors=NU1603"], directory);

    private static async Task<LocalPackageFeed> CreateAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "orleanssocket-packages-" + Guid.NewGuid().ToString("N")[..8]);
        var feed = new LocalPackageFeed(root, $"0.1.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}");
        Directory.CreateDirectory(root);
        feed.DeleteWhenThisProcessEnds();
        await RunAsync("dotnet", ["pack", Path.Combine(E2eEnvironment.RepoRoot, "OrleansSocket.sln"), "-c", "Release", "--no-build",
            "-o", feed.Feed, $"-p:PackageVersion={feed.Version}"], E2eEnvironment.RepoRoot);
        await File.WriteAllTextAsync(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="orleanssocket-local" value="{feed.Feed}" />
              </packageSources>
            </configuration>
            """);
        return feed;
    }

    private async Task<string> InstallTemplatesAsync()
    {
        var hive = Path.Combine(Root, "template-hive");
        var package = Path.Combine(Feed, $"OrleansSocket.Templates.{Version}.nupkg");
        await RunAsync("dotnet", ["new", "install", package, "--debug:custom-hive", hive], Root);
        return hive;
    }

    /// <summary>
    /// A shell that waits for this process to end, then deletes <see cref="Root"/> and the run's packages in NuGet's
    /// cache: no one fixture outlives every test that uses the feed, and a ProcessExit handler of the test host was
    /// seen not to run at the end of <c>dotnet test</c>.
    /// </summary>
    private void DeleteWhenThisProcessEnds()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string[] folders = [Root, .. new[] { "orleanssocket.gateway", "orleanssocket.grains", "orleanssocket.grains.client", "orleanssocket.grains.interfaces", "orleanssocket.testing" }
            .Select(id => Path.Combine(cache, id, Version))];
        var startInfo = new System.Diagnostics.ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add($"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 2; done; rm -rf {string.Join(' ', folders.Select(f => $"'{f}'"))}");
        System.Diagnostics.Process.Start(startInfo)?.Dispose();
    }
}
