using System.Security.Claims;

namespace OrleansSocket;

/// <summary>
/// One identity of the user authenticated on the handshake request (ASP.NET Core's <c>HttpContext.User</c> after
/// <c>UseAuthentication</c>): its claims as the scheme made them, so a silo rebuilds the principal without seeing
/// (or re-validating) the token.
/// </summary>
/// <param name="AuthenticationType">The scheme's authentication type; null for an unauthenticated identity.</param>
/// <param name="NameClaimType">The claim type <see cref="ClaimsIdentity.Name"/> reads.</param>
/// <param name="RoleClaimType">The claim type <see cref="ClaimsPrincipal.IsInRole"/> reads.</param>
/// <param name="Claims">The identity's claims, in order.</param>
[GenerateSerializer, Immutable, Alias("OrleansSocket.HandshakeIdentity")]
public sealed record HandshakeIdentity(
    [property: Id(0)] string? AuthenticationType,
    [property: Id(1)] string NameClaimType,
    [property: Id(2)] string RoleClaimType,
    [property: Id(3)] HandshakeClaim[] Claims)
{
    /// <summary>
    /// The identities of <paramref name="user"/> worth carrying: the authenticated ones and any with claims. An
    /// anonymous request (ASP.NET Core's empty identity) gives none.
    /// </summary>
    public static HandshakeIdentity[] From(ClaimsPrincipal? user)
    {
        if (user is null) return [];
        var identities = new List<HandshakeIdentity>();
        foreach (var identity in user.Identities)
        {
            if (!identity.IsAuthenticated && !identity.Claims.Any()) continue;
            identities.Add(new HandshakeIdentity(identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType,
                [.. identity.Claims.Select(HandshakeClaim.From)]));
        }
        return [.. identities];
    }

    /// <summary>The <see cref="ClaimsIdentity"/> again; authenticated when <see cref="AuthenticationType"/> is set.</summary>
    public ClaimsIdentity ToIdentity()
    {
        var identity = new ClaimsIdentity(AuthenticationType, NameClaimType, RoleClaimType);
        foreach (var claim in Claims) identity.AddClaim(claim.ToClaim(identity));
        return identity;
    }

    /// <summary>
    /// The principal of <paramref name="identities"/>; with none, an anonymous one (an unauthenticated empty identity,
    /// as ASP.NET Core's <c>HttpContext.User</c> of a request no scheme authenticated).
    /// </summary>
    public static ClaimsPrincipal ToPrincipal(IReadOnlyList<HandshakeIdentity>? identities) =>
        identities is null || identities.Count == 0
            ? new ClaimsPrincipal(new ClaimsIdentity())
            : new ClaimsPrincipal(identities.Select(i => i.ToIdentity()));
}
