using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Membership;
using OrleansSocket.Gateway.Routing;

namespace OrleansSocket.Tests.Grains;

/// <summary>
/// The gateway membership as the table of gateway addresses (leases and gateway loss, on a fake clock: <see cref="GatewayLeaseTests"/>),
/// and the router gateways find each other's sessions with.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GatewayMembershipTests(ClusterFixture fixture)
{
    private const string Rest = "aaaaaaaaaaaaaaaaaaaa";

    private IGatewayMembershipGrain Membership => fixture.Client.GetGrain<IGatewayMembershipGrain>(IGatewayMembershipGrain.Key);

    private Task<GatewayHeartbeatReply> Heartbeat(string id, string? address, TimeSpan lease) =>
        Membership.Heartbeat(new GatewayHeartbeat(id, lease, [], Address: address));

    [Fact]
    public async Task Advertise_Renew_Conflict_Unregister()
    {
        var id = GatewayMembership.NewId();
        Assert.Equal(GatewayMembership.IdLength, id.Length);
        var first = await Heartbeat(id, "http://10.0.0.1:5000", TimeSpan.FromMinutes(1));
        Assert.Equal(GatewayLeaseStatus.New, first.Status);
        Assert.Equal("http://10.0.0.1:5000", first.Addresses![id]);
        Assert.Equal(GatewayLeaseStatus.Renewed, (await Heartbeat(id, "http://10.0.0.1:5000", TimeSpan.FromMinutes(1))).Status);
        Assert.Equal(GatewayLeaseStatus.Renewed, (await Heartbeat(id, null, TimeSpan.FromMinutes(1))).Status); // keeps its address
        // Someone else's id: refused, the holder keeps its address.
        Assert.Equal(GatewayLeaseStatus.IdTaken, (await Heartbeat(id, "http://10.0.0.2:5000", TimeSpan.FromMinutes(1))).Status);
        Assert.Equal("http://10.0.0.1:5000", (await Membership.Addresses())[id]);
        await Membership.Unregister(id);
        Assert.False((await Membership.Addresses()).ContainsKey(id));
        Assert.DoesNotContain(id, await Membership.Gateways());
    }

    [Fact]
    public async Task A_gateway_without_an_address_has_a_lease_but_no_address()
    {
        var id = GatewayMembership.NewId();
        await Heartbeat(id, null, TimeSpan.FromMinutes(1));
        Assert.Contains(id, await Membership.Gateways());
        Assert.False((await Membership.Addresses()).ContainsKey(id));
        await Membership.Unregister(id);
    }

    [Fact]
    public async Task Router_FindsOtherGateways_ItsOwnIsLocal()
    {
        var own = GatewayMembership.NewId();
        var router = new GatewaySessionRouter(own, fixture.Client, TimeSpan.FromMinutes(1), NullLogger<GatewaySessionRouter>.Instance);
        var other = GatewayMembership.NewId();
        var reply = await Heartbeat(other, "http://127.0.0.1:6002", TimeSpan.FromMinutes(1));
        Assert.False(router.Ready.IsCompleted); // handshakes wait for the gateway's first heartbeat
        router.Merge(reply.Addresses);
        router.SetReady();
        Assert.True(router.Ready.IsCompletedSuccessfully);
        Assert.Equal(own, router.LocalPrefix);

        Assert.Equal(new Uri("http://127.0.0.1:6002"), await router.FindOwnerAsync(other + Rest, CancellationToken.None));
        Assert.Null(await router.FindOwnerAsync(own + Rest, CancellationToken.None)); // its own
        Assert.Null(await router.FindOwnerAsync("short", CancellationToken.None));

        // A gateway that took its lease after the router's last look is found: a miss refreshes the router's copy.
        var late = GatewayMembership.NewId();
        await Heartbeat(late, "http://127.0.0.1:6003", TimeSpan.FromMinutes(1));
        Assert.Equal(new Uri("http://127.0.0.1:6003"), await router.FindOwnerAsync(late + Rest, CancellationToken.None));

        // Many misses at once for ids nobody has: answered (null) together, in bounded time.
        var misses = Enumerable.Range(0, 50).Select(_ => router.FindOwnerAsync(GatewayMembership.NewId() + Rest, CancellationToken.None).AsTask());
        Assert.All(await Task.WhenAll(misses).WaitAsync(TimeSpan.FromSeconds(5)), Assert.Null);

        await Membership.Unregister(other);
        await Membership.Unregister(late);
    }

    [Theory]
    [InlineData(null, new[] { "http://127.0.0.1:5000" }, "http://127.0.0.1:5000")]
    [InlineData(null, new[] { "http://localhost:5000", "https://localhost:5001" }, "http://localhost:5000")]
    [InlineData(null, new[] { "http://unix:/tmp/gw.sock", "http://10.1.2.3:80" }, "http://10.1.2.3")]
    [InlineData("https://gw1.internal:8443/ignored/path", new[] { "http://127.0.0.1:5000" }, "https://gw1.internal:8443")]
    public void AdvertisedAddress_IsTheConfiguredUrlOrTheFirstBoundAddress(string? configured, string[] bound, string expected) =>
        Assert.Equal(expected, AdvertisedAddress.Of(new SocketIOOptions { AdvertisedUrl = configured }, Server(bound)));

    [Theory]
    [InlineData("http://[::]:5000")]
    [InlineData("http://0.0.0.0:5000")]
    [InlineData("http://*:5000")]
    [InlineData("http://+:5000")]
    public void AdvertisedAddress_WildcardHostBecomesTheHostName(string bound) =>
        Assert.Equal(new UriBuilder("http", Dns.GetHostName(), 5000).Uri.GetLeftPart(UriPartial.Authority),
            AdvertisedAddress.Of(new SocketIOOptions(), Server([bound])));

    [Fact]
    public void AdvertisedAddress_WithoutATcpBindingOrAUrl_Throws() =>
        Assert.Throws<InvalidOperationException>(() => AdvertisedAddress.Of(new SocketIOOptions(), Server(["http://unix:/tmp/gw.sock"])));

    private static FakeServer Server(string[] bound)
    {
        var server = new FakeServer();
        foreach (var address in bound) server.Addresses.Addresses.Add(address);
        return server;
    }

    private sealed class FakeServer : IServer
    {
        public ServerAddressesFeature Addresses { get; } = new();
        public IFeatureCollection Features { get; }

        public FakeServer()
        {
            Features = new FeatureCollection();
            Features.Set<IServerAddressesFeature>(Addresses);
        }

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public void Dispose() { }
    }
}
