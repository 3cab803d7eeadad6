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
    [Fact]
    public async Task EveryProcessIsLiveAndReady()
    {
        await cluster.EnsureAllRunningAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var process in cluster.Silos.Concat(cluster.Gateways))
        {
            var live = await http.GetAsync(process.HealthUrl + "/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());

            // The gateways' lease is renewed every few seconds: ready once it was (the fixture waited for broadcasts).
            var ready = await http.GetAsync(process.HealthUrl + "/health/ready");
            Assert.True(ready.StatusCode == HttpStatusCode.OK, $"{process.Name}: {ready.StatusCode} {await ready.Content.ReadAsStringAsync()}");
            Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
        }
    }
}
