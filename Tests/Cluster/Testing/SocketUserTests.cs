using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using OrleansSocket.Testing;

namespace OrleansSocket.Tests.Testing;

/// <summary>Handlers that answer with what <see cref="ISocket.User"/> holds.</summary>
public sealed class ClaimsHandlers : SocketIOHandler
{
    [OnConnect]
    public Task Connect() =>
        // The connect handler sees the user too: it names the socket's user after the authenticated name.
        Task.FromResult(Socket.UserId = Socket.User.Identity?.Name);

    [On("me")]
    public object Me() => new
    {
        authenticated = Socket.User.Identity?.IsAuthenticated ?? false,
        scheme = Socket.User.Identity?.AuthenticationType,
        name = Socket.User.Identity?.Name,
        admin = Socket.User.IsInRole("admin"),
        userId = Socket.UserId,
        email = Socket.User.FindFirst(ClaimTypes.Email)?.Value,
        issuer = Socket.User.FindFirst(ClaimTypes.Email)?.Issuer,
        identities = Socket.User.Identities.Count(),
    };

    [On("fetch me")]
    public async Task<object> FetchMe()
    {
        var remote = (await Socket.Server.In(Socket.Id).FetchSocketsAsync()).Single();
        return new { name = remote.Handshake.ToClaimsPrincipal().Identity?.Name };
    }
}

/// <summary>A namespace for authenticated users only: its connect handler (and every event) needs [Authorize].</summary>
[Authorize]
public sealed class MembersNamespace(AuthorizationLog log) : SocketIONamespace
{
    public void OnConnect() => log.Calls.Enqueue("connect " + Socket.User.Identity?.Name);

    public string OnHello() => "hello " + Socket.User.Identity?.Name;

    /// <summary>Admins only: the class's [Authorize] and this policy both apply.</summary>
    [Authorize(Policy = "admin")]
    public string OnAdminOnly()
    {
        log.Calls.Enqueue("admin_only " + Socket.User.Identity?.Name);
        return "granted";
    }

    [AllowAnonymous]
    public string OnPublicInfo() => "anyone " + Socket.User.Identity?.Name;
}

/// <summary>Single handlers of "/" with [Authorize], beside anonymous ones.</summary>
public sealed class MixedHandlers(AuthorizationLog log) : SocketIOHandler
{
    [On("secret")]
    [Authorize(Roles = "admin")]
    public string Secret()
    {
        log.Calls.Enqueue("secret " + Socket.User.Identity?.Name);
        return "s3cret";
    }

    [On("open")]
    public string Open() => "open";
}

/// <summary>What the handlers and the error handler saw.</summary>
public sealed class AuthorizationLog
{
    public ConcurrentQueue<string> Calls { get; } = new();
    public ConcurrentQueue<(string Event, Exception Error)> Errors { get; } = new();
}

public sealed class ClaimsServerFixture : IAsyncLifetime
{
    public SocketIOTestServer Server { get; private set; } = null!;

    public AuthorizationLog Log { get; } = new();

    public async Task InitializeAsync() => Server = await SocketIOTestServer.StartAsync(io => io
            .AddHandlers<ClaimsHandlers>()
            .AddHandlers<MixedHandlers>()
            .AddNamespace<MembersNamespace>("/members")
            .OnErrorDefault((socket, error, eventName) =>
            {
                Log.Errors.Enqueue((eventName, error));
                return Task.CompletedTask;
            }),
        services => services
            .AddSingleton(Log)
            .AddAuthorizationCore(options => options.AddPolicy("admin", policy => policy.RequireRole("admin"))));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The user authenticated on the handshake request reaches the handlers in the silo as claims.</summary>
public sealed class SocketUserTests(ClaimsServerFixture fixture) : IClassFixture<ClaimsServerFixture>
{
    private static ClaimsPrincipal Alice() => new(new ClaimsIdentity(
    [
        new Claim("name", "alice", ClaimValueTypes.String, "https://issuer.test"),
        new Claim("role", "admin", ClaimValueTypes.String, "https://issuer.test"),
        new Claim(ClaimTypes.Email, "alice@example.test", ClaimValueTypes.Email, "https://issuer.test"),
    ], "Bearer", "name", "role"));

    [Fact]
    public async Task Handler_sees_the_authenticated_user_and_its_claims()
    {
        await using var client = await fixture.Server.ConnectAsync(user: Alice());
        Assert.True(client.IsConnected, client.ConnectError?.Message);

        var me = (await client.EmitWithAckAsync("me")).Args[0];

        Assert.True(me.GetProperty("authenticated").GetBoolean());
        Assert.Equal("Bearer", me.GetProperty("scheme").GetString());
        Assert.Equal("alice", me.GetProperty("name").GetString());
        Assert.True(me.GetProperty("admin").GetBoolean());
        Assert.Equal("alice", me.GetProperty("userId").GetString());
        Assert.Equal("alice@example.test", me.GetProperty("email").GetString());
        Assert.Equal("https://issuer.test", me.GetProperty("issuer").GetString());
        Assert.Equal(1, me.GetProperty("identities").GetInt32());
    }

    [Fact]
    public async Task Anonymous_handshake_gives_an_unauthenticated_user()
    {
        await using var client = await fixture.Server.ConnectAsync();

        var me = (await client.EmitWithAckAsync("me")).Args[0];

        Assert.False(me.GetProperty("authenticated").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, me.GetProperty("name").ValueKind);
        Assert.False(me.GetProperty("admin").GetBoolean());
    }

    [Fact]
    public async Task Fetched_socket_carries_the_users_claims()
    {
        await using var client = await fixture.Server.ConnectAsync(user: Alice());

        var me = (await client.EmitWithAckAsync("fetch me")).Args[0];

        Assert.Equal("alice", me.GetProperty("name").GetString());
    }

    // ---------------- [Authorize] on handlers, checked in the silo ----------------

    private static ClaimsPrincipal Bob() => new(new ClaimsIdentity([new Claim("name", "bob")], "Bearer", "name", "role"));

    [Fact]
    public async Task Authorize_class_refuses_an_anonymous_connect_with_401()
    {
        var client = await fixture.Server.ConnectAsync(ns: "/members");

        Assert.False(client.IsConnected);
        Assert.Equal(SocketIOAuthorizationException.UnauthorizedMessage, client.ConnectError?.Message);
        Assert.Equal(401, client.ConnectError!.Data!.Value.GetProperty("status").GetInt32());
        Assert.DoesNotContain("connect ", fixture.Log.Calls); // the connect handler never ran for an anonymous user
    }

    [Fact]
    public async Task Authorize_class_admits_an_authenticated_user_and_a_policy_refuses_its_event()
    {
        await using var client = await fixture.Server.ConnectAsync(ns: "/members", user: Bob());
        Assert.True(client.IsConnected, client.ConnectError?.Message);
        Assert.Contains("connect bob", fixture.Log.Calls);

        Assert.Equal("hello bob", (await client.EmitWithAckAsync("hello")).Args[0].GetString());
        Assert.Equal("anyone bob", (await client.EmitWithAckAsync("public_info")).Args[0].GetString());

        await client.EmitAsync("admin_only");
        var refused = Assert.IsType<SocketIOAuthorizationException>(
            Assert.Single(fixture.Log.Errors, e => e.Event == "admin_only" && e.Error is SocketIOAuthorizationException).Error);
        Assert.Equal(403, refused.StatusCode);
        Assert.Equal(SocketIOAuthorizationException.ForbiddenMessage, refused.Message);
        Assert.DoesNotContain("admin_only bob", fixture.Log.Calls);
    }

    [Fact]
    public async Task Policy_met_runs_the_handler()
    {
        await using var client = await fixture.Server.ConnectAsync(ns: "/members", user: Alice());

        Assert.Equal("granted", (await client.EmitWithAckAsync("admin_only")).Args[0].GetString());
        Assert.Contains("admin_only alice", fixture.Log.Calls);
    }

    [Fact]
    public async Task Authorize_on_a_single_handler_refuses_its_event_only()
    {
        await using var anonymous = await fixture.Server.ConnectAsync();
        Assert.True(anonymous.IsConnected);

        Assert.Equal("open", (await anonymous.EmitWithAckAsync("open")).Args[0].GetString());
        await anonymous.EmitAsync("secret");
        var refused = Assert.Single(fixture.Log.Errors, e => e.Event == "secret").Error;
        Assert.Equal(401, Assert.IsType<SocketIOAuthorizationException>(refused).StatusCode);
        Assert.DoesNotContain("secret ", fixture.Log.Calls); // no anonymous call

        await using var admin = await fixture.Server.ConnectAsync(user: Alice());
        Assert.Equal("s3cret", (await admin.EmitWithAckAsync("secret")).Args[0].GetString());
    }
}
