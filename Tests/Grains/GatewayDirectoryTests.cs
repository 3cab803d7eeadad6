using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Routing;

namespace OrleansSocket.Tests.Grains;

/// <summary>The gateway directory grain and the router gateways find each other's sessions with.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GatewayDirectoryTests(ClusterFixture fixture)
{
    private IGatewayDirectoryGrain Directory => fixture.Client.GetGrain<IGatewayDirectoryGrain>(IGatewayDirectoryGrain.Key);

    private static string NewTag() => Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Register_Renew_Conflict_Unregister()
    {
        var tag = NewTag();
        Assert.True(await Directory.Register(tag, "http://10.0.0.1:5000", TimeSpan.FromMinutes(1)));
        Assert.True(await Directory.Register(tag, "http://10.0.0.1:5000", TimeSpan.FromMinutes(1))); // renewal
        Assert.False(await Directory.Register(tag, "http://10.0.0.2:5000", TimeSpan.FromMinutes(1))); // someone else's tag
        Assert.Equal("http://10.0.0.1:5000", (await Directory.Snapshot())[tag]);
        await Directory.Unregister(tag);
        Assert.False((await Directory.Snapshot()).ContainsKey(tag));
    }

    [Fact]
    public async Task AnEntryNotRenewed_IsDroppedWhenItsLeaseEnds()
    {
        var tag = NewTag();
        Assert.True(await Directory.Register(tag, "http://10.0.0.3:5000", TimeSpan.FromMilliseconds(300)));
        Assert.True((await Directory.Snapshot()).ContainsKey(tag));
        await Task.Delay(600);
        Assert.False((await Directory.Snapshot()).ContainsKey(tag));
        // Free again for anyone.
        Assert.True(await Directory.Register(tag, "http://10.0.0.4:5000", TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Router_RegistersOnceStarted_FindsOtherGateways_AndUnregistersOnStop()
    {
        var lifetime = new Lifetime();
        var router = NewRouter(lifetime, "http://127.0.0.1:6001");
        var other = NewTag();
        Assert.True(await Directory.Register(other, "http://127.0.0.1:6002", TimeSpan.FromMinutes(1)));

        await router.StartAsync(CancellationToken.None);
        Assert.False(router.Ready.IsCompleted); // handshakes wait until the others can find this gateway
        lifetime.Start();
        await router.Ready.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("http://127.0.0.1:6001", (await Directory.Snapshot())[router.LocalPrefix]);
        Assert.Equal(8, router.LocalPrefix.Length);

        Assert.Equal(new Uri("http://127.0.0.1:6002"), await router.FindOwnerAsync(other + "aaaaaaaaaaaaaaaaaaaa", CancellationToken.None));
        Assert.Null(await router.FindOwnerAsync(router.LocalPrefix + "aaaaaaaaaaaaaaaaaaaa", CancellationToken.None)); // its own
        Assert.Null(await router.FindOwnerAsync("short", CancellationToken.None));

        // A gateway registered after the router's last look is found: a miss refreshes the router's copy.
        var late = NewTag();
        Assert.True(await Directory.Register(late, "http://127.0.0.1:6003", TimeSpan.FromMinutes(1)));
        Assert.Equal(new Uri("http://127.0.0.1:6003"), await router.FindOwnerAsync(late + "aaaaaaaaaaaaaaaaaaaa", CancellationToken.None));

        // Many misses at once for tags nobody has: answered (null) together, in bounded time.
        var misses = Enumerable.Range(0, 50).Select(_ => router.FindOwnerAsync(NewTag() + "aaaaaaaaaaaaaaaaaaaa", CancellationToken.None).AsTask());
        Assert.All(await Task.WhenAll(misses).WaitAsync(TimeSpan.FromSeconds(5)), Assert.Null);

        await router.StopAsync(CancellationToken.None);
        Assert.False((await Directory.Snapshot()).ContainsKey(router.LocalPrefix));
        router.Dispose();
    }

    [Theory]
    [InlineData(null, new[] { "http://127.0.0.1:5000" }, "http://127.0.0.1:5000")]
    [InlineData(null, new[] { "http://localhost:5000", "https://localhost:5001" }, "http://localhost:5000")]
    [InlineData(null, new[] { "http://unix:/tmp/gw.sock", "http://10.1.2.3:80" }, "http://10.1.2.3")]
    [InlineData("https://gw1.internal:8443/ignored/path", new[] { "http://127.0.0.1:5000" }, "https://gw1.internal:8443")]
    public void AdvertisedAddress_IsTheConfiguredUrlOrTheFirstBoundAddress(string? configured, string[] bound, string expected)
    {
        var router = NewRouter(new Lifetime(), bound, configured);
        Assert.Equal(expected, router.AdvertisedAddress());
    }

    [Theory]
    [InlineData("http://[::]:5000")]
    [InlineData("http://0.0.0.0:5000")]
    [InlineData("http://*:5000")]
    [InlineData("http://+:5000")]
    public void AdvertisedAddress_WildcardHostBecomesTheHostName(string bound)
    {
        var router = NewRouter(new Lifetime(), [bound]);
        Assert.Equal(new UriBuilder("http", Dns.GetHostName(), 5000).Uri.GetLeftPart(UriPartial.Authority), router.AdvertisedAddress());
    }

    private GatewayDirectoryRouter NewRouter(Lifetime lifetime, string bound) => NewRouter(lifetime, [bound]);

    private GatewayDirectoryRouter NewRouter(Lifetime lifetime, string[] bound, string? configured = null)
    {
        var server = new FakeServer();
        foreach (var address in bound) server.Addresses.Addresses.Add(address);
        return new GatewayDirectoryRouter(fixture.Client, server, lifetime,
            Options.Create(new SocketIOOptions { AdvertisedUrl = configured }), NullLogger<GatewayDirectoryRouter>.Instance);
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Start() => _started.Cancel();
        public void StopApplication() { }
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
