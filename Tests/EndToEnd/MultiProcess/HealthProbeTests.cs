using System.Diagnostics;
using System.Net;

namespace OrleansSocket.Tests.Cluster;

/// <summary>
/// The health endpoints of the real processes (Redis clustering, two silos, two gateways in client mode): each answers
/// /health/live and /health/ready (the silos: silo active, Redis; the gateways: accepting, lease renewed, Redis).
/// </summary>
[Collection(MultiProcessClusterCollection.Name)]
[Trait("Category", "MultiProcess")]
public sealed class HealthProbeTests(MultiProcessClusterFixture cluster)
{
    /// <summary>
    /// How long a process may take to be ready. The tests before this one kill and restart silos and gateways: while a
    /// killed silo held the gateway-membership grain and is not yet declared dead, the gateways' renewals fail and their
    /// lease runs out, and a restarted gateway's first renewal may time out on a slow machine. Once the cluster is whole a
    /// renewal succeeds within a period (a third of the lease); two leases leave room for the membership to catch up.
    /// </summary>
    private static readonly TimeSpan ReadyWithin = 2 * MultiProcessClusterFixture.GatewayLease;

    [Fact]
    public async Task EveryProcessIsLiveAndBecomesReady()
    {
        await cluster.EnsureAllRunningAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var process in cluster.Silos.Concat(cluster.Gateways))
        {
            var live = await http.GetAsync(process.HealthUrl + "/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());

            var waited = Stopwatch.StartNew();
            while (true)
            {
                var ready = await http.GetAsync(process.HealthUrl + "/health/ready");
                var body = await ready.Content.ReadAsStringAsync();
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    Assert.Equal("Healthy", body);
                    break;
                }
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Equal("Unhealthy", body);
                if (waited.Elapsed > ReadyWithin)
                {
                    Assert.Fail($"{process.Name}: not ready within {ReadyWithin.TotalSeconds:0} s ({ready.StatusCode} {body}); its last lines:\n{Tail(process.Output, 30)}");
                }
                await Task.Delay(200);
            }
        }
    }

    private static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n').TakeLast(lines));
}
