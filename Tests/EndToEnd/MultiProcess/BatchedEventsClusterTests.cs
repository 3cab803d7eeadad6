using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace OrleansSocket.Tests.Cluster;

/// <summary>
/// The multi-process cluster with the gateways sending client events in batches (<c>SocketIO:EventBatching:Mode=Auto</c>)
/// and warming up at start (<c>SocketIO:WarmUp:Enabled</c>), whose events go through those batches too.
/// </summary>
public sealed class BatchedEventsClusterFixture : MultiProcessClusterFixture
{
    protected override string[] GatewayArgs => ["--SocketIO:EventBatching:Mode=Auto", "--SocketIO:WarmUp:Enabled=true"];
}

/// <summary>One batched cluster for the class, alone (not in parallel with other tests).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BatchedEventsClusterCollection : ICollectionFixture<BatchedEventsClusterFixture>
{
    public const string Name = "Multi-process cluster with event batches (redis + 2 silos + 2 thin gateways)";
}

/// <summary>
/// The multi-process cluster whose thin gateways send their batches over the silos' event link
/// (<c>SocketIO:EventLink:Enabled</c> on the silos, <c>SocketIO:EventBatching:Transport=EventLink</c> on the gateways).
/// </summary>
public sealed class LinkedEventsClusterFixture : MultiProcessClusterFixture
{
    protected override string[] SiloArgs => ["--SocketIO:EventLink:Enabled=true"];

    protected override string[] GatewayArgs => ["--SocketIO:EventBatching:Mode=Auto", "--SocketIO:EventBatching:Transport=EventLink"];
}

/// <summary>One cluster with event links for the class, alone (not in parallel with other tests).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LinkedEventsClusterCollection : ICollectionFixture<LinkedEventsClusterFixture>
{
    public const string Name = "Multi-process cluster with event links (redis + 2 silos + 2 thin gateways)";
}

/// <summary>
/// Thin gateways that send their sockets' events to the silos in batches (docs/performance.md, "Thin gateway: client
/// events in batches"): each socket's events still run in order, and a silo lost while batches are in flight fails
/// only those events; the sockets' next events work once the cluster has recovered.
/// </summary>
[Collection(BatchedEventsClusterCollection.Name)]
[Trait("Category", "MultiProcess")]
public sealed partial class BatchedEventsClusterTests(BatchedEventsClusterFixture cluster, ITestOutputHelper output)
    : BatchedEventsClusterSpecification(cluster, output)
{
    /// <summary>Activations of the link grain in the cluster: the events went through batches.</summary>
    protected override async Task AssertBatchedAsync()
    {
        var statistics = await Cluster.Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var activations = statistics.Where(s => s.GrainType.Contains("SocketLinkGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
        Assert.True(activations > 0, "no link grain was activated: the events did not go in batches");
    }

    [Fact]
    public Task ThinGatewaysWarmUpThroughTheSilosAndAdmitNoClientToTheWarmUpNamespace() => Run(async () =>
    {
        foreach (var gateway in Cluster.Gateways)
        {
            // The warm-up runs once the gateway is up; its last line says how it ended and whose compilers it followed:
            // the gateway's and at least one silo's (the "compiled" handler answered from there).
            var waited = Stopwatch.StartNew();
            Match ended;
            while (!(ended = WarmUpEnded().Match(gateway.Output)).Success)
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), $"{gateway.Name}: no warm-up line within 90 s\n{gateway.Output}");
                await Task.Delay(200);
            }
            Output.WriteLine($"{gateway.Name}: {ended.Value}");
            Assert.Equal("Settled", ended.Groups["end"].Value);
            Assert.True(int.Parse(ended.Groups["rounds"].Value, CultureInfo.InvariantCulture) >= 2);
            Assert.True(int.Parse(ended.Groups["processes"].Value, CultureInfo.InvariantCulture) >= 2);
        }

        // A client (here on loopback too, without the process's key) is told the namespace does not exist.
        using var ws = await OrleansSocket.Tests.EndToEnd.RawSocketIOClient.ConnectWebSocketAsync(Cluster.GatewayUrls[0], 4);
        Assert.StartsWith("0{", await ReceiveAsync(ws));
        await ws.SendAsync("40/orleanssocket-warm-up,"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("""44/orleanssocket-warm-up,{"message":"Invalid namespace"}""", await ReceiveAsync(ws));
    });

    private static async Task<string?> ReceiveAsync(ClientWebSocket ws)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await OrleansSocket.Tests.EndToEnd.RawSocketIOClient.ReceiveTextAsync(ws, timeout.Token);
    }

    [GeneratedRegex(@"Warm-up (?<end>\w+) after (?<rounds>\d+) rounds .* following (?<processes>\d+) processes")]
    private static partial Regex WarmUpEnded();
}

/// <summary>
/// The same over the silos' event link: a TCP connection from each gateway to a silo carries the batches and their
/// answers, without an Orleans message each; a killed silo's link fails its batches in flight, and the gateway's next
/// batches go by grain call until a live silo's link is found.
/// </summary>
[Collection(LinkedEventsClusterCollection.Name)]
[Trait("Category", "MultiProcess")]
public sealed class LinkedEventsClusterTests(LinkedEventsClusterFixture cluster, ITestOutputHelper output)
    : BatchedEventsClusterSpecification(cluster, output)
{
    /// <summary>Each gateway used has logged its link to a silo as connected.</summary>
    protected override Task AssertBatchedAsync()
    {
        foreach (var gateway in Cluster.Gateways)
            Assert.Contains("Event link to silo", gateway.Output);
        return Task.CompletedTask;
    }
}

/// <summary>What both kinds of batches keep: each socket's order, and events that work again after a silo is killed.</summary>
public abstract class BatchedEventsClusterSpecification(MultiProcessClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private NodeDriver _node = null!;

    protected MultiProcessClusterFixture Cluster => cluster;

    protected ITestOutputHelper Output => output;

    public async Task InitializeAsync()
    {
        cluster.EnsureStarted();
        await cluster.EnsureAllRunningAsync();
        _node = NodeDriver.Start();
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    /// <summary>Fails unless the events went the way the fixture's gateways send them.</summary>
    protected abstract Task AssertBatchedAsync();

    [Fact]
    public Task EventsOfManySocketsInBatchesKeepEachSocketsOrder() => Run(async () =>
    {
        var sockets = Enumerable.Range(0, 6).Select(i => $"seq{i}").ToArray();
        for (var i = 0; i < sockets.Length; i++) await _node.Connect(sockets[i], cluster.GatewayUrls[i % 2]);

        // Every socket sends at once, so their events share batches; each socket's must arrive in order.
        var reports = await Task.WhenAll(sockets.Select(s => _node.Sequence(s, 2_000)));
        foreach (var (report, ms) in reports)
        {
            Assert.Equal(2_000, (long)report!["count"]!);
            Assert.Equal(0, (long)report["errors"]!);
        }
        await AssertBatchedAsync();
        output.WriteLine($"6 sockets × 2 000 events in batches, in order: {string.Join(", ", reports.Select(r => r.Ms))} ms");
    });

    [Fact]
    public Task KilledSiloWhileBatchesAreInFlightAndEventsWorkAgain() => Run(async () =>
    {
        var sockets = new[] { "k1", "k2", "k3", "k4" };
        for (var i = 0; i < sockets.Length; i++) await _node.Connect(sockets[i], cluster.GatewayUrls[i % 2]);
        // Events in flight when the silo dies: some of their acks fail (as one call per event would), none hangs the socket.
        var load = Task.WhenAll(sockets.Select(s => _node.Pump(s, "room-say", [$"room-{s}"], 200, TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(2))));
        await Task.Delay(300);
        var clock = Stopwatch.StartNew();
        cluster.Silos[1].Kill(); // kill -9
        var pumped = await load;
        output.WriteLine($"during the kill: {string.Join(", ", pumped.Select(p => $"{p.Acked.Length} acked, {p.Failed.Length} failed"))}");

        var round = 0;
        while (true)
        {
            round++;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"events did not work again within 60 s\n{cluster.DescribeAll()}");
            try
            {
                await Task.WhenAll(sockets.Select(s => _node.EmitWithin(TimeSpan.FromSeconds(2), s, "whoami")));
                break;
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                await Task.Delay(250);
            }
        }
        output.WriteLine($"silo kill -9 with batches in flight: every socket's events work again after {clock.ElapsedMilliseconds} ms ({round} rounds)");
        // In order afterwards too.
        foreach (var (report, _) in await Task.WhenAll(sockets.Select(s => _node.Sequence(s, 500))))
            Assert.Equal(0, (long)report!["errors"]!);
    });

    protected Task Run(Func<Task> test) => cluster.RunWithLogsAsync(_node, output, test);
}
