namespace OrleansSocket;

/// <summary>
/// What the client presented when it connected to a namespace, as Node's <c>socket.handshake</c>.
/// Immutable: Orleans passes it between grains without copying.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansSocket.HandshakeInfo")]
public sealed record HandshakeInfo
{
    /// <summary>The HTTP headers of the request that opened the Engine.IO session, names lower-cased.</summary>
    [Id(0)] public required IReadOnlyDictionary<string, string> Headers { get; init; }
    /// <summary>The query parameters of that request (the last value of a repeated one).</summary>
    [Id(1)] public required IReadOnlyDictionary<string, string> Query { get; init; }
    /// <summary>The CONNECT packet's auth object as UTF-8 JSON (<c>{}</c> when the client sent none).</summary>
    [Id(2)] public required byte[] AuthJson { get; init; }
    /// <summary>The client's IP address, when known.</summary>
    [Id(3)] public string? RemoteAddress { get; init; }
    /// <summary>3 or 4.</summary>
    [Id(4)] public int EngineIOVersion { get; init; }
    /// <summary><c>polling</c> or <c>websocket</c>, at connect time.</summary>
    [Id(5)] public string Transport { get; init; } = "polling";
    /// <summary>That request's path and query string.</summary>
    [Id(6)] public string Url { get; init; } = "";
    /// <summary>When that request arrived (the Engine.IO session opened).</summary>
    [Id(7)] public DateTimeOffset Issued { get; init; }
    /// <summary>
    /// The user the app's authentication found on that request (<c>HttpContext.User</c>), as claims: empty when no
    /// scheme authenticated it. <see cref="ISocket.User"/> is the principal made of them.
    /// </summary>
    [Id(8)] public HandshakeIdentity[] Identities { get; init; } = [];

    /// <summary>A new <see cref="System.Security.Claims.ClaimsPrincipal"/> of <see cref="Identities"/> (anonymous when there are none).</summary>
    public System.Security.Claims.ClaimsPrincipal ToClaimsPrincipal() => HandshakeIdentity.ToPrincipal(Identities);
}
