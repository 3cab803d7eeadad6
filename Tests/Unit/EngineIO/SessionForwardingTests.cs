using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using OrleansSocket.Gateway.EngineIO;
using static OrleansSocket.Tests.EngineIO.EngineClient;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>
/// Two Engine.IO servers (two Kestrels on 127.0.0.1) whose routers know each other: every request for a session may
/// go to either, as behind a load balancer without affinity. The Orleans-backed router has its own end-to-end test.
/// </summary>
public sealed class SessionForwardingTests(TwoGatewaysFixture gateways) : IClassFixture<TwoGatewaysFixture>
{
    private const string RS = "\u001e";
    private const string Echo = TwoGatewaysFixture.Echo;

    private HttpClient A => gateways.A.Http;
    private HttpClient B => gateways.B.Http;

    // ---------------- long-polling ----------------

    [Fact]
    public async Task SessionIds_StartWithTheOwnersPrefix()
    {
        Assert.StartsWith(TwoGatewaysFixture.PrefixA, await OpenAsync(A));
        Assert.StartsWith(TwoGatewaysFixture.PrefixB, await OpenAsync(B));
    }

    [Fact]
    public async Task Polling_EitherGatewayServesTheSession_StatusHeadersAndBodiesAsTheOwnerSends()
    {
        var sid = await OpenAsync(A);
        const string payload = "4hello" + RS + "4€ and 😀" + RS + "bAQIDBA==";
        using (var post = await PostAsync(B, Poll(sid), payload, origin: "https://elsewhere.example"))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
            Assert.Equal("text/html", post.Content.Headers.ContentType!.MediaType);
            Assert.Equal("ok", await post.Content.ReadAsStringAsync());
            // The owner's CORS header, once (not the relaying gateway's as well).
            Assert.Equal(["*"], post.Headers.GetValues("Access-Control-Allow-Origin"));
            Assert.False(post.Headers.Contains(ForwardedHeader));
        }
        using (var poll = await B.GetAsync(Poll(sid)))
        {
            Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
            Assert.Equal("text/plain; charset=UTF-8", poll.Content.Headers.ContentType!.ToString());
            Assert.Equal("no-store", poll.Headers.CacheControl!.ToString());
            Assert.Equal(Encoding.UTF8.GetByteCount(payload), poll.Content.Headers.ContentLength);
            Assert.Equal(payload, await poll.Content.ReadAsStringAsync());
        }
        // Alternating, both ways round.
        for (var i = 0; i < 10; i++)
        {
            var (post, get) = i % 2 == 0 ? (A, B) : (B, A);
            using (var response = await PostAsync(post, Poll(sid), $"4round {i}"))
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"4round {i}", await PollTextAsync(get, Poll(sid)));
        }
    }

    [Fact]
    public async Task Polling_PendingPollRelayedFromTheOtherGatewayGetsWhatArrivesLater()
    {
        var sid = await OpenAsync(B);
        var poll = A.GetAsync(Poll(sid));
        await WaitUntilPollParkedAsync(gateways.EchoesB[sid]);
        Assert.False(poll.IsCompleted);
        using (var post = await PostAsync(B, Poll(sid), "4late"))
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        using var response = await poll.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("4late", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Polling_LargeResponseIsStreamedThrough()
    {
        var sid = await OpenAsync(A);
        var big = "4" + new string('x', 200_000);
        using (var post = await PostAsync(B, Poll(sid), big))
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(big, await PollTextAsync(B, Poll(sid)));
    }

    [Fact]
    public async Task Polling_ClientLeavingARelayedPoll_ClosesTheSessionOnItsOwner()
    {
        var sid = await OpenAsync(A, TwoGatewaysFixture.Recorded);
        using var cts = new CancellationTokenSource();
        var poll = B.GetAsync(Poll(sid, TwoGatewaysFixture.Recorded), cts.Token);
        await WaitUntilPollParkedAsync(gateways.RecorderA[sid].Connection); // relayed to A, and parked there
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll);
        Assert.Equal("transport error", await gateways.RecorderA[sid].WaitClosedAsync());
    }

    [Fact]
    public async Task Polling_OversizedPostRelayed_Is413AndTheSessionCloses()
    {
        var sid = await OpenAsync(A, TwoGatewaysFixture.Small);
        using (var ok = await PostAsync(B, Poll(sid, TwoGatewaysFixture.Small), "4" + new string('a', 99)))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var tooLarge = await PostAsync(B, Poll(sid, TwoGatewaysFixture.Small), "4" + new string('a', 100)))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        using var next = await A.GetAsync(Poll(sid, TwoGatewaysFixture.Small));
        await AssertErrorAsync(next, 1);
    }

    [Fact]
    public async Task SameOriginPolicy_HoldsForARelayedRequest_TheOriginalHostIsKept()
    {
        var sid = await OpenAsync(A, TwoGatewaysFixture.SameOrigin);
        // A page served by B talks to B, which relays to A: A must compare the Origin with B's host, as B would.
        using (var allowed = await PostAsync(B, Poll(sid, TwoGatewaysFixture.SameOrigin), "4x", origin: $"http://{gateways.B.BaseUri.Authority}"))
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        using (var refused = await PostAsync(B, Poll(sid, TwoGatewaysFixture.SameOrigin), "4x", origin: "https://evil.example"))
            await AssertErrorAsync(refused, 4, HttpStatusCode.Forbidden);
    }

    // ---------------- unknown sessions ----------------

    [Theory]
    [InlineData("nope")]                             // too short to name a gateway
    [InlineData("ZZZZZZZZaaaaaaaaaaaaaaaaaaaa")]     // names no gateway
    [InlineData("AAAAAAAAaaaaaaaaaaaaaaaaaaaa")]     // A's tag, no such session on A
    [InlineData("BBBBBBBBaaaaaaaaaaaaaaaaaaaa")]     // B's tag, no such session on B
    [InlineData("DEADDEADaaaaaaaaaaaaaaaaaaaa")]     // a gateway that is gone
    [InlineData("LOOPLOOPaaaaaaaaaaaaaaaaaaaa")]     // each router says the other has it: relayed once, then answered
    public async Task UnknownSession_Is400Code1FromEitherGateway(string sid)
    {
        foreach (var gateway in new[] { A, B })
        {
            var clock = Stopwatch.StartNew();
            using (var get = await gateway.GetAsync(Poll(sid)))
                await AssertErrorAsync(get, 1);
            using (var post = await PostAsync(gateway, Poll(sid), "4x"))
                await AssertErrorAsync(post, 1);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        }
    }

    [Fact]
    public async Task ForwardedRequestForAnUnknownSession_IsAnsweredWhereItArrives()
    {
        // What a relaying gateway sends: the receiver must not relay it again.
        var lookups = gateways.RouterA.Lookups;
        using var request = new HttpRequestMessage(HttpMethod.Get, Poll("BBBBBBBBaaaaaaaaaaaaaaaaaaaa"));
        request.Headers.Add(ForwardedHeader, "1");
        using var response = await A.SendAsync(request);
        await AssertErrorAsync(response, 1);
        Assert.Equal(lookups, gateways.RouterA.Lookups); // not even asked
    }

    // ---------------- WebSocket ----------------

    [Fact]
    public async Task Upgrade_OnTheOtherGateway_ProbeUpgradeAndFramesBothWays()
    {
        var sid = await OpenAsync(A);
        var pending = A.GetAsync(Poll(sid));
        await WaitUntilPollParkedAsync(gateways.EchoesA[sid]);
        using var socket = await ConnectAsync(gateways.B.WebSocketUri($"{Echo}?EIO=4&transport=websocket&sid={sid}"));
        await SendTextAsync(socket, "2probe");
        Assert.Equal("3probe", await ReceiveTextAsync(socket));
        using (var released = await pending.WaitAsync(TimeSpan.FromSeconds(5)))
            Assert.Equal("6", await released.Content.ReadAsStringAsync());
        await SendTextAsync(socket, "5");

        await SendTextAsync(socket, "4héllo");
        Assert.Equal("4héllo", await ReceiveTextAsync(socket));
        await SendBinaryAsync(socket, [1, 2, 3, 255]);
        var (type, data) = await ReceiveAsync(socket);
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(new byte[] { 1, 2, 3, 255 }, data);
        var big = "4" + new string('y', 100_000); // more than one relay buffer
        await SendTextAsync(socket, big);
        Assert.Equal(big, await ReceiveTextAsync(socket));

        // The session now lives on the relayed WebSocket: polling is a transport mismatch, wherever it arrives.
        using (var poll = await B.GetAsync(Poll(sid)))
            await AssertErrorAsync(poll, 3);

        // The client's close travels to the owner, whose close travels back.
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await ExpectCloseAsync(socket));
        await WaitUntilAsync(async () =>
        {
            using var after = await A.GetAsync(Poll(sid));
            return after.StatusCode == HttpStatusCode.BadRequest && (await after.Content.ReadAsStringAsync()).Contains("\"code\":1");
        });
    }

    [Fact]
    public async Task RelayedWebSocket_OwnerClosesWithItsStatus()
    {
        var sid = await OpenAsync(A, TwoGatewaysFixture.Small);
        using var socket = await ConnectAsync(gateways.B.WebSocketUri($"{TwoGatewaysFixture.Small}?EIO=4&transport=websocket&sid={sid}"));
        await SendTextAsync(socket, "2probe");
        Assert.Equal("3probe", await ReceiveTextAsync(socket));
        await SendTextAsync(socket, "5");
        await SendTextAsync(socket, "4" + new string('z', 200)); // over MaxHttpBufferSize 100: ws closes with 1009
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await ExpectCloseAsync(socket));
    }

    [Fact]
    public async Task SecondUpgradeRelayed_IsAcceptedThenClosed_AsTheOwnerDoes()
    {
        var sid = await OpenAsync(A);
        using var first = await ConnectAsync(gateways.A.WebSocketUri($"{Echo}?EIO=4&transport=websocket&sid={sid}"));
        await SendTextAsync(first, "2probe");
        Assert.Equal("3probe", await ReceiveTextAsync(first));
        using var second = await ConnectAsync(gateways.B.WebSocketUri($"{Echo}?EIO=4&transport=websocket&sid={sid}"));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await ExpectCloseAsync(second));
    }

    [Theory]
    [InlineData("ZZZZZZZZaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("AAAAAAAAaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("DEADDEADaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("LOOPLOOPaaaaaaaaaaaaaaaaaaaa")]
    public async Task WebSocketForAnUnknownSession_IsRefusedBeforeTheUpgrade(string sid)
    {
        foreach (var gateway in new[] { gateways.A, gateways.B })
        {
            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<WebSocketException>(() =>
                socket.ConnectAsync(gateway.WebSocketUri($"{Echo}?EIO=4&transport=websocket&sid={sid}"), CancellationToken.None));
            Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
        }
    }

    [Fact]
    public async Task WebSocketRelayed_RefusalNamesTheOwnersError()
    {
        // The owner refuses with "Session ID unknown"; the relaying gateway must say the same, not a generic error.
        using var client = new TcpClient();
        await client.ConnectAsync(gateways.B.BaseUri.Host, gateways.B.BaseUri.Port);
        var stream = client.GetStream();
        var request = $"GET {Echo}?EIO=4&transport=websocket&sid=AAAAAAAAaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\nHost: {gateways.B.BaseUri.Authority}\r\n" +
                      "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var text = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.StartsWith("HTTP/1.1 400", text);
        Assert.EndsWith("\r\n\r\nSession ID unknown", text);
    }

    [Fact]
    public async Task SameOriginPolicy_HoldsForARelayedWebSocket()
    {
        var sid = await OpenAsync(A, TwoGatewaysFixture.SameOrigin);
        using var allowed = await ConnectAsync(gateways.B.WebSocketUri($"{TwoGatewaysFixture.SameOrigin}?EIO=4&transport=websocket&sid={sid}"),
            origin: $"http://{gateways.B.BaseUri.Authority}");
        await SendTextAsync(allowed, "2probe");
        Assert.Equal("3probe", await ReceiveTextAsync(allowed));

        using var refused = new ClientWebSocket();
        refused.Options.CollectHttpResponseDetails = true;
        refused.Options.SetRequestHeader("Origin", "https://evil.example");
        await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(
            gateways.B.WebSocketUri($"{TwoGatewaysFixture.SameOrigin}?EIO=4&transport=websocket&sid={sid}"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, refused.HttpStatusCode);
    }

    // ---------------- readiness ----------------

    [Fact]
    public async Task Handshake_WaitsUntilTheRouterIsReady()
    {
        var handshake = A.GetAsync($"{TwoGatewaysFixture.Gated}?EIO=4&transport=polling");
        await Task.Delay(200);
        Assert.False(handshake.IsCompleted);
        gateways.GatedRouter.SetReady();
        using var response = await handshake.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // ---------------- helpers ----------------

    private const string ForwardedHeader = "X-OrleansSocket-Forwarded";

    private static async Task<string> OpenAsync(HttpClient http, string path = Echo)
    {
        var text = await http.GetStringAsync($"{path}?EIO=4&transport=polling");
        using var json = JsonDocument.Parse(text[1..]);
        return json.RootElement.GetProperty("sid").GetString()!;
    }

    private static string Poll(string sid, string path = Echo) => $"{path}?EIO=4&transport=polling&sid={sid}";

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string url, string body, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        if (origin is not null) request.Headers.Add("Origin", origin);
        return http.SendAsync(request);
    }

    private static async Task<string> PollTextAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, int code, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith($$"""{"code":{{code}},""", body);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Patience, "condition not met in time");
            await Task.Delay(20);
        }
    }
}

/// <summary>A router with a fixed table: prefix → base address.</summary>
public sealed class StaticRouter(string prefix, bool ready = true) : IEngineSessionRouter
{
    private readonly TaskCompletionSource _ready = NewReady(ready);
    private int _lookups;

    public Dictionary<string, Uri> Table { get; } = new(StringComparer.Ordinal);
    public string LocalPrefix => prefix;
    public Task Ready => _ready.Task;

    public void SetReady() => _ready.TrySetResult();

    /// <summary>How often the endpoint asked so far.</summary>
    public int Lookups => Volatile.Read(ref _lookups);

    public ValueTask<Uri?> FindOwnerAsync(string sid, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        if (sid.Length <= 8 || sid.StartsWith(prefix, StringComparison.Ordinal)) return default;
        return new(Table.GetValueOrDefault(sid[..8]));
    }

    private static TaskCompletionSource NewReady(bool ready)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (ready) source.SetResult();
        return source;
    }
}

/// <summary>Gateways A and B: Kestrel each, the same endpoints each, routers that point at each other.</summary>
public sealed class TwoGatewaysFixture : IAsyncLifetime
{
    public const string Echo = "/engine.io/";
    public const string Small = "/small/";
    public const string SameOrigin = "/same/";
    public const string Recorded = "/rec/";
    public const string Gated = "/gated/";
    public const string PrefixA = "AAAAAAAA";
    public const string PrefixB = "BBBBBBBB";

    public Gateway A { get; private set; } = null!;
    public Gateway B { get; private set; } = null!;
    public StaticRouter RouterA { get; } = new(PrefixA);
    public StaticRouter RouterB { get; } = new(PrefixB);
    public StaticRouter GatedRouter { get; } = new("GGGGGGGG", ready: false);
    internal RecordingApplication RecorderA { get; } = new();
    internal TrackingApplication EchoesA { get; } = new(new EchoEngineApplication());
    internal TrackingApplication EchoesB { get; } = new(new EchoEngineApplication());

    public async Task InitializeAsync()
    {
        A = await Gateway.StartAsync(RouterA, RecorderA, GatedRouter, EchoesA);
        B = await Gateway.StartAsync(RouterB, new RecordingApplication(), new StaticRouter("HHHHHHHH"), EchoesB);
        // A port nothing listens on: a gateway that is gone.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var dead = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        listener.Stop();
        foreach (var router in new[] { RouterA, RouterB })
        {
            router.Table[PrefixA] = A.BaseUri;
            router.Table[PrefixB] = B.BaseUri;
            router.Table["DEADDEAD"] = dead;
        }
        RouterA.Table["LOOPLOOP"] = B.BaseUri;
        RouterB.Table["LOOPLOOP"] = A.BaseUri;
    }

    public async Task DisposeAsync()
    {
        if (A is not null) await A.DisposeAsync();
        if (B is not null) await B.DisposeAsync();
    }

    public sealed class Gateway : IAsyncDisposable
    {
        private WebApplication _app = null!;

        public Uri BaseUri { get; private set; } = null!;
        public HttpClient Http { get; private set; } = null!;

        public Uri WebSocketUri(string pathAndQuery) => new($"ws://{BaseUri.Authority}{pathAndQuery}");

        internal static async Task<Gateway> StartAsync(IEngineSessionRouter router, RecordingApplication recorder, IEngineSessionRouter gated,
            IEngineApplication echo)
        {
            var builder = WebApplication.CreateBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.MapEngineIO(Echo, echo, Quiet(), router);
            var small = Quiet();
            small.MaxHttpBufferSize = 100;
            app.MapEngineIO(Small, echo, small, router);
            app.MapEngineIO(SameOrigin, echo, new EngineIOOptions { PingInterval = 60000, PingTimeout = 60000 }, router);
            app.MapEngineIO(Recorded, recorder, Quiet(), router);
            app.MapEngineIO(Gated, echo, Quiet(), gated);
            await app.StartAsync();
            var baseUri = new Uri(app.Urls.First());
            return new Gateway
            {
                _app = app,
                BaseUri = baseUri,
                Http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(10) },
            };
        }

        private static EngineIOOptions Quiet() => new()
        {
            PingInterval = 60000,
            PingTimeout = 60000,
            Cors = new EngineCorsOptions { AllowedOrigins = ["*"] },
        };

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _app.DisposeAsync();
        }
    }
}
