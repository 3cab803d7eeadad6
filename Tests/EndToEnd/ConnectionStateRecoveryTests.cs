using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The protocol profile with connection state recovery on, and the heartbeat relaxed as for the official clients'
/// tests (<see cref="ClientServerFixture"/>): the test drops the transport itself, and a 200 ms pong deadline would
/// drop it again whenever the loaded machine stalls a process for half a second.
/// </summary>
public sealed class RecoveryServerFixture : ServerFixture
{
    protected override string? Profile => "protocol";
    protected override IReadOnlyList<string> ExtraArguments =>
        ["--SocketIO:ConnectionStateRecovery:Enabled=true", "--SocketIO:Engine:PingInterval=1000", "--SocketIO:Engine:PingTimeout=20000"];
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

/// <summary>A silo and two client-mode gateways, connection state recovery on in every process.</summary>
public sealed class RecoveryClusterFixture : TwoGatewayClusterFixture
{
    protected override IReadOnlyList<string> ExtraArguments => ["--SocketIO:ConnectionStateRecovery:Enabled", "true"];
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RecoveryClusterCollection : ICollectionFixture<RecoveryClusterFixture>
{
    public const string Name = "recovery across gateways";
}

/// <summary>
/// Connection state recovery is cluster-wide: a client whose transport drops on gateway A and that comes
/// back on gateway B gets its id, rooms and every missed message exactly once, in order.
/// </summary>
[Collection(RecoveryClusterCollection.Name)]
public sealed class CrossGatewayRecoveryTests(RecoveryClusterFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task Session_recovers_on_another_gateway()
    {
        E2eEnvironment.RequireNodeModules();
        cluster.EnsureStarted();
        var result = await ExternalProcess.RunAsync(
            "node", ["recovery-client.js", cluster.GatewayA, "150", "60000", cluster.GatewayB],
            E2eEnvironment.ClientsDir, TimeSpan.FromSeconds(90));
        output.WriteLine(result.Describe());
        Assert.True(result.Succeeded, $"{result.Describe()}\n{cluster.Describe()}");
    }
}
