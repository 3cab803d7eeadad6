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
}

/// <summary>samples/QuickStart as built by <c>dotnet build OrleansSocket.sln -c Release</c>; never substituted.</summary>
public sealed class QuickStartServerFixture : ServerFixture
{
    private static readonly string Directory = Path.Combine(E2eEnvironment.RepoRoot, "samples", "QuickStart");

    protected override string? Profile => null;

    protected override (string Directory, string Dll) Program =>
        (Directory, Path.Combine(Directory, "bin", "Release", "net10.0", "QuickStart.dll"));

    protected override bool Substitutable => false;
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class QuickStartServerCollection : ICollectionFixture<QuickStartServerFixture>
{
    public const string Name = "E2E QuickStart sample";
}
