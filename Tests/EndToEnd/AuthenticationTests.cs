using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansSocket.TestHosts;
using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>The test gateway with <c>--profile auth</c>: a JWT bearer scheme, Socket.IO mapped with <c>RequireAuthorization</c>.</summary>
public sealed class AuthServerFixture : ServerFixture
{
    protected override string? Profile => AuthHandlers.Profile;
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AuthServerCollection : ICollectionFixture<AuthServerFixture>
{
    public const string Name = "auth server";
}

/// <summary>
/// socket.io-client 4.8 against <c>MapSocketIO().RequireAuthorization(...)</c> with a real JWT bearer scheme
/// (Tests/clients/auth-client.js): unauthenticated handshakes refused with 401 on polling and WebSocket, a policy the
/// user does not meet with 403, and the token from <c>extraHeaders</c> or the <c>access_token</c> query reaching the
/// handlers in the co-hosted silo as <see cref="ISocket.User"/>, before and after the upgrade.
/// </summary>
[Collection(AuthServerCollection.Name)]
public sealed class AuthenticationTests(AuthServerFixture server, ITestOutputHelper output)
{
    internal static string Token(string name, params string[] roles) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = AuthHandlers.Issuer,
        Audience = AuthHandlers.Audience,
        Expires = DateTime.UtcNow.AddHours(1),
        Subject = new ClaimsIdentity([new Claim("name", name), .. roles.Select(r => new Claim("role", r))]),
        SigningCredentials = new SigningCredentials(
            new SymmetricSecurityKey(Encoding.UTF8.GetBytes(AuthHandlers.SigningKey)), SecurityAlgorithms.HmacSha256),
    });

    [Fact]
    public Task Official_client_with_extraHeaders_and_access_token() =>
        E2eAssert.NodeScriptSucceedsAsync(server, output, "auth-client.js", Token("alice"), Token("root", "admin"));
}
