namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// Lets any gateway serve any Engine.IO session, so a load balancer needs no sticky sessions: the id of every
/// session names the gateway that holds it, and a request whose session is not held here is forwarded there.
/// <para>
/// The endpoint looks its own sessions up first; the router is asked only for an id it does not hold, and
/// never for a request that was already forwarded (no loops).
/// </para>
/// </summary>
internal interface IEngineSessionRouter
{
    /// <summary>
    /// Put in front of the id of every session this gateway opens: it names the gateway and is not secret
    /// (the random rest of the id is). URL-safe characters only.
    /// </summary>
    string LocalPrefix { get; }

    /// <summary>Completes once other gateways can find this one. Handshakes wait for it.</summary>
    Task Ready { get; }

    /// <summary>
    /// The base address (<c>scheme://host:port</c>) of the gateway holding <paramref name="sid"/>, or null when
    /// no other gateway does (the id is this gateway's own, malformed, or names no known gateway).
    /// </summary>
    ValueTask<Uri?> FindOwnerAsync(string sid, CancellationToken cancellationToken);
}
