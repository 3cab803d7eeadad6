using OrleansSocket.TestHosts;
using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The auth profile as separate processes: a test silo (<c>AddAuthorization()</c>, no scheme, no keys) and two thin
/// test gateways in client mode (the JWT bearer scheme, <c>RequireAuthorization</c> on their secure paths).
/// </summary>
public sealed class AuthClusterFixture : TwoGatewayClusterFixture
{
    protected override string Profile => AuthHandlers.Profile;
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AuthClusterCollection : ICollectionFixture<AuthClusterFixture>
{
    public const string Name = "E2E auth cluster: a silo and two gateways";
}

/// <summary>
/// The JWT user reaching handlers in a separate silo process (Tests/clients/auth-client.js against each thin gateway):
/// the claims the gateway found travel with the socket, the silo's <c>whoami</c> sees the name and the role, and its
/// <c>[Authorize(Roles = "admin")]</c> handler refuses a user without the role (the error handler's <c>refused</c>,
/// no ack) and admits an admin; unauthenticated handshakes and a policy not met are refused by the gateway (401/403).
/// </summary>
[Collection(AuthClusterCollection.Name)]
public sealed class AuthClusterTests(AuthClusterFixture cluster, ITestOutputHelper output)
{
    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public async Task Official_client_through_a_thin_gateway(string gateway)
    {
        E2eEnvironment.RequireNodeModules();
        cluster.EnsureStarted();
        var url = gateway == "A" ? cluster.GatewayA : cluster.GatewayB;
        var result = await ExternalProcess.RunAsync("node",
            ["auth-client.js", url, AuthenticationTests.Token("alice"), AuthenticationTests.Token("root", "admin")],
            E2eEnvironment.ClientsDir, TimeSpan.FromSeconds(90));
        output.WriteLine(result.Describe());
        Assert.True(result.Succeeded, $"{result.Describe()}\n{cluster.Describe()}");
    }
}
