using System.Security.Claims;

namespace OrleansSocket.Tests.Handlers;

/// <summary>The principal of the handshake request, as claims and back (what the silo rebuilds).</summary>
public sealed class HandshakeIdentityTests
{
    [Fact]
    public void Principal_round_trips_through_its_claims()
    {
        var identity = new ClaimsIdentity(
        [
            new Claim("sub", "42", ClaimValueTypes.Integer, "iss-a", "orig-a"),
            new Claim("n", "alice"),
            new Claim("r", "admin"),
            new Claim("r", "ops"),
        ], "Cookies", "n", "r");
        var cookie = new ClaimsPrincipal(identity);
        cookie.AddIdentity(new ClaimsIdentity([new Claim("tenant", "t1")], "Bearer"));

        var carried = HandshakeIdentity.From(cookie);
        var back = HandshakeIdentity.ToPrincipal(carried);

        Assert.Equal(2, carried.Length);
        Assert.True(back.Identity!.IsAuthenticated);
        Assert.Equal("Cookies", back.Identity.AuthenticationType);
        Assert.Equal("alice", back.Identity.Name);
        Assert.True(back.IsInRole("admin"));
        Assert.True(back.IsInRole("ops"));
        var sub = back.FindFirst("sub")!;
        Assert.Equal(("42", ClaimValueTypes.Integer, "iss-a", "orig-a"), (sub.Value, sub.ValueType, sub.Issuer, sub.OriginalIssuer));
        Assert.Same(back.Identities.First(), sub.Subject);
        Assert.Equal("t1", back.FindFirst("tenant")?.Value);
        Assert.Equal(["Cookies", "Bearer"], back.Identities.Select(i => i.AuthenticationType));
        Assert.Equal(cookie.Claims.Select(c => (c.Type, c.Value)), back.Claims.Select(c => (c.Type, c.Value)));
    }

    [Fact]
    public void Anonymous_request_carries_nothing_and_gives_an_unauthenticated_principal()
    {
        // ASP.NET Core's HttpContext.User of a request no scheme authenticated: one empty identity.
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity());

        Assert.Empty(HandshakeIdentity.From(anonymous));
        Assert.Empty(HandshakeIdentity.From(null));
        var back = HandshakeIdentity.ToPrincipal([]);
        Assert.False(back.Identity!.IsAuthenticated);
        Assert.Empty(back.Claims);
    }

    [Fact]
    public void Handshake_without_identities_gives_an_anonymous_principal()
    {
        var handshake = new HandshakeInfo
        {
            Headers = new Dictionary<string, string>(),
            Query = new Dictionary<string, string>(),
            AuthJson = "{}"u8.ToArray(),
        };

        Assert.Empty(handshake.Identities);
        Assert.False(handshake.ToClaimsPrincipal().Identity!.IsAuthenticated);
    }
}
