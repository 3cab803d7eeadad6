using System.Security.Claims;

namespace OrleansSocket;

/// <summary>One claim of an authenticated handshake, as <see cref="Claim"/> holds it, in a form Orleans carries.</summary>
/// <param name="Type">The claim type (<see cref="Claim.Type"/>).</param>
/// <param name="Value">The claim value (<see cref="Claim.Value"/>).</param>
/// <param name="ValueType">The value's type (<see cref="Claim.ValueType"/>).</param>
/// <param name="Issuer">Who issued the claim (<see cref="Claim.Issuer"/>).</param>
/// <param name="OriginalIssuer">Who first issued it (<see cref="Claim.OriginalIssuer"/>).</param>
[GenerateSerializer, Immutable, Alias("OrleansSocket.HandshakeClaim")]
public sealed record HandshakeClaim(
    [property: Id(0)] string Type,
    [property: Id(1)] string Value,
    [property: Id(2)] string ValueType,
    [property: Id(3)] string Issuer,
    [property: Id(4)] string OriginalIssuer)
{
    /// <summary>The claim as it was on the gateway.</summary>
    public static HandshakeClaim From(Claim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return new(claim.Type, claim.Value, claim.ValueType, claim.Issuer, claim.OriginalIssuer);
    }

    /// <summary>A <see cref="Claim"/> again, its subject <paramref name="subject"/>.</summary>
    public Claim ToClaim(ClaimsIdentity? subject = null) => new(Type, Value, ValueType, Issuer, OriginalIssuer, subject);
}
