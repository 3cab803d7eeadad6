using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Sessions;
using static OrleansSocket.Tests.EngineIO.EngineClient;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>
/// A real Kestrel with a real JWT bearer scheme (symmetric key), Engine.IO mapped with <c>RequireAuthorization</c> as
/// <c>MapSocketIO()</c> returns it: ASP.NET Core's endpoint authorization runs on every request of the endpoint.
/// </summary>
public sealed class JwtServerFixture : IAsyncLifetime
{
    /// <summary>Any authenticated user.</summary>
    public const string Authenticated = "/auth/";
    /// <summary>The "admin" policy: the role claim "admin".</summary>
    public const string Admin = "/admin/";

    private const string Issuer = "https://issuer.test";
    private const string Audience = "orleanssocket-tests";
    private static readonly SymmetricSecurityKey Key = new(Encoding.UTF8.GetBytes("a test key of at least 256 bits, never a secret"));

    private WebApplication? _app;

    public Uri BaseUri { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    internal RecordingApplication Recorder { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = Issuer,
                ValidAudience = Audience,
                IssuerSigningKey = Key,
                NameClaimType = "name",
                RoleClaimType = "role",
            };
            // As SignalR documents: browsers cannot set headers on a WebSocket, so the token may come in the query.
            jwt.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    var token = context.Request.Query["access_token"];
                    if (!string.IsNullOrEmpty(token)) context.Token = token;
                    return Task.CompletedTask;
                },
            };
        });
        builder.Services.AddAuthorizationBuilder().AddPolicy("admin", policy => policy.RequireRole("admin"));
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        var options = new EngineIOOptions { PingInterval = 60000, PingTimeout = 60000 };
        app.MapEngineIO(Authenticated, Recorder, options).RequireAuthorization();
        app.MapEngineIO(Admin, Recorder, options).RequireAuthorization("admin");

        await app.StartAsync();
        _app = app;
        BaseUri = new Uri(app.Urls.First());
        Http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri WebSocketUri(string pathAndQuery) => new($"ws://{BaseUri.Authority}{pathAndQuery}");

    /// <summary>A token the scheme accepts, for <paramref name="name"/> with <paramref name="roles"/>.</summary>
    public static string Token(string name, params string[] roles) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        Expires = DateTime.UtcNow.AddHours(1),
        Subject = new ClaimsIdentity([new Claim("name", name), .. roles.Select(r => new Claim("role", r))]),
        SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
    });

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }
}

public sealed class EndpointAuthorizationTests(JwtServerFixture server) : IClassFixture<JwtServerFixture>
{
    private const string Auth = JwtServerFixture.Authenticated;

    private static string Open(string path) => $"{path}?EIO=4&transport=polling";

    private async Task<HttpResponseMessage> GetAsync(string url, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await server.Http.SendAsync(request);
    }

    private static async Task<string> SidAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var open = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(open[1..]);
        return json.RootElement.GetProperty("sid").GetString()!;
    }

    [Fact]
    public async Task Polling_handshake_without_a_token_is_refused_with_401()
    {
        using var response = await GetAsync(Open(Auth));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Invalid_token_is_refused_with_401()
    {
        using var response = await GetAsync(Open(Auth), JwtServerFixture.Token("alice") + "x");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Polling_handshake_with_a_header_token_opens_and_the_session_has_the_user()
    {
        using var response = await GetAsync(Open(Auth), JwtServerFixture.Token("alice", "admin"));
        var sid = await SidAsync(response);

        var connection = server.Recorder[sid].Connection;
        Assert.Equal("alice", connection.Handshake.User?.Identity?.Name);
        // What the socket grain gets: claims, the token not among them.
        var handshake = HandshakeFactory.Create(connection, default);
        var identity = Assert.Single(handshake.Identities);
        // The JWT handler names its identities' authentication type itself ("AuthenticationTypes.Federation").
        Assert.Equal(connection.Handshake.User!.Identity!.AuthenticationType, identity.AuthenticationType);
        Assert.NotNull(identity.AuthenticationType);
        Assert.DoesNotContain(identity.Claims, c => c.Value.StartsWith("eyJ", StringComparison.Ordinal)); // no token
        Assert.Contains(identity.Claims, c => c.Type == "role" && c.Value == "admin");
        var user = handshake.ToClaimsPrincipal();
        Assert.Equal("alice", user.Identity?.Name);
        Assert.True(user.IsInRole("admin"));
    }

    [Fact]
    public async Task Polling_handshake_with_an_access_token_query_parameter_opens()
    {
        using var response = await GetAsync(Open(Auth) + "&access_token=" + JwtServerFixture.Token("bob"));
        var sid = await SidAsync(response);

        Assert.Equal("bob", server.Recorder[sid].Connection.Handshake.User?.Identity?.Name);
    }

    [Fact]
    public async Task Later_polling_requests_of_an_open_session_need_the_token_too()
    {
        var token = JwtServerFixture.Token("alice");
        using var open = await GetAsync(Open(Auth), token);
        var sid = await SidAsync(open);
        var poll = $"{Auth}?EIO=4&transport=polling&sid={sid}";

        using var anonymousPost = await server.Http.PostAsync(poll, new StringContent("4hello", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousPost.StatusCode);
        using var anonymousPoll = await GetAsync(poll);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousPoll.StatusCode);
        Assert.Empty(server.Recorder[sid].Messages);

        using var post = new HttpRequestMessage(HttpMethod.Post, poll) { Content = new StringContent("4hello", Encoding.UTF8, "text/plain") };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var posted = await server.Http.SendAsync(post);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(["hello"], server.Recorder[sid].Messages);
    }

    [Fact]
    public async Task WebSocket_handshake_without_a_token_is_refused_with_401()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() =>
            socket.ConnectAsync(server.WebSocketUri($"{Auth}?EIO=4&transport=websocket"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
    }

    [Fact]
    public async Task WebSocket_handshake_with_a_query_token_opens_with_the_user()
    {
        using var socket = await ConnectAsync(server.WebSocketUri($"{Auth}?EIO=4&transport=websocket&access_token={JwtServerFixture.Token("carol")}"));

        var open = await ReceiveTextAsync(socket);
        using var json = JsonDocument.Parse(open[1..]);
        var sid = json.RootElement.GetProperty("sid").GetString()!;
        Assert.Equal("carol", server.Recorder[sid].Connection.Handshake.User?.Identity?.Name);
    }

    [Fact]
    public async Task WebSocket_handshake_with_a_header_token_opens()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + JwtServerFixture.Token("dave"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await socket.ConnectAsync(server.WebSocketUri($"{Auth}?EIO=4&transport=websocket"), cts.Token);

        Assert.StartsWith("0{", await ReceiveTextAsync(socket));
    }

    [Fact]
    public async Task Upgrade_request_of_an_open_session_without_the_token_is_refused()
    {
        using var open = await GetAsync(Open(Auth), JwtServerFixture.Token("alice"));
        var sid = await SidAsync(open);
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() =>
            socket.ConnectAsync(server.WebSocketUri($"{Auth}?EIO=4&transport=websocket&sid={sid}"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        Assert.Equal("polling", server.Recorder[sid].Connection.Transport);
    }

    [Fact]
    public async Task Cors_preflight_is_authorized_too_without_the_apps_cors_middleware()
    {
        // A preflight carries no credentials: endpoint authorization refuses it before the Engine.IO CORS answers.
        using var preflight = new HttpRequestMessage(HttpMethod.Options, Open(Auth));
        preflight.Headers.Add("Origin", "https://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization");
        using var response = await server.Http.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Policy_the_user_does_not_meet_is_refused_with_403_and_met_opens()
    {
        using var forbidden = await GetAsync(Open(JwtServerFixture.Admin), JwtServerFixture.Token("alice"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(
            server.WebSocketUri($"{JwtServerFixture.Admin}?EIO=4&transport=websocket&access_token={JwtServerFixture.Token("alice")}"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);

        using var allowed = await GetAsync(Open(JwtServerFixture.Admin), JwtServerFixture.Token("erin", "admin"));
        Assert.Equal("erin", server.Recorder[await SidAsync(allowed)].Connection.Handshake.User?.Identity?.Name);
    }
}
