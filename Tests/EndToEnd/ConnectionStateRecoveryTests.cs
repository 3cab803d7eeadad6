using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>The protocol profile with connection state recovery on.</summary>
public sealed class RecoveryServerFixture : ServerFixture
{
    protected override string? Profile => "protocol";
    protected override IReadOnlyList<string> ExtraArguments => ["--SocketIO:ConnectionStateRecovery:Enabled=true"];
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RecoveryServerCollection : ICollectionFixture<RecoveryServerFixture>
{
    public const string Name = "recovery server";
}

/// <summary>
/// Connection state recovery with socket.io-client 4.8: a client whose transport drops while its
/// room keeps receiving comes back with the same id and gets every message exactly once, in order.
/// </summary>
[Collection(RecoveryServerCollection.Name)]
public sealed class ConnectionStateRecoveryTests(RecoveryServerFixture server, ITestOutputHelper output)
{
    [Fact]
    public async Task Dropped_transport_recovers_id_rooms_and_missed_packets()
    {
        E2eEnvironment.RequireNodeModules();
        server.EnsureStarted();
        var result = await ExternalProcess.RunAsync(
            "node", ["recovery-client.js", server.BaseUrl, "150", "40000"],
            E2eEnvironment.ClientsDir, TimeSpan.FromSeconds(60));
        E2eAssert.Succeeded(result, server, output);
    }
}
