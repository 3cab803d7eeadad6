using System.Security.Claims;
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
        var remote = (await Socket.Server.In(Socket.Id).FetchSockets()).Single();
        return new { name = remote.Handshake.ToClaimsPrincipal().Identity?.Name };
    }
}

public sealed class ClaimsServerFixture : IAsyncLifetime
{
    public SocketIOTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SocketIOTestServer.StartAsync(io => io.AddHandlers<ClaimsHandlers>());

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
}
