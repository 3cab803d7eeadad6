namespace OrleansSocket.Internal;

/// <summary>The socket grain's answer to a namespace CONNECT.</summary>
/// <param name="Accepted">The socket is connected; false: refused, and the client gets a CONNECT_ERROR.</param>
/// <param name="ErrorMessage">For a refusal: the CONNECT_ERROR message.</param>
/// <param name="ErrorDataJson">For a refusal: the CONNECT_ERROR <c>data</c> as UTF-8 JSON, or null.</param>
[GenerateSerializer, Immutable, Alias("OrleansSocket.ConnectResult")]
internal sealed record ConnectResult(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] string? ErrorMessage = null,
    [property: Id(2)] byte[]? ErrorDataJson = null)
{
    /// <summary>Accepted, with nothing recovered.</summary>
    public static readonly ConnectResult Ok = new(true);

    /// <summary>A recovery that cannot happen (unknown or expired session, unknown offset): connect as a new socket instead.</summary>
    public static readonly ConnectResult NotRecoverable = new(false, "Session not recoverable") { IsNotRecoverable = true };

    /// <summary>The answer to a recovery that cannot happen (<see cref="NotRecoverable"/>), as opposed to a refusal
    /// by the connect handler or middleware.</summary>
    [Id(6)] public bool IsNotRecoverable { get; init; }

    /// <summary>No handler serves the namespace.</summary>
    public static readonly ConnectResult InvalidNamespace = new(false, "Invalid namespace") { IsInvalidNamespace = true };

    /// <summary>
    /// Refused as <see cref="InvalidNamespace"/>: Node answers it as <c>{"message":"Invalid namespace"}</c> to clients
    /// of both protocols, where other refusals reach a protocol v4 (socket.io 2.x) client as a string or the error's data.
    /// </summary>
    [Id(7)] public bool IsInvalidNamespace { get; init; }

    /// <summary>The private session id for connection state recovery (sent with the CONNECT reply), when enabled.</summary>
    [Id(3)] public string? Pid { get; init; }

    /// <summary>The session was recovered: same socket id, rooms and data.</summary>
    [Id(4)] public bool Recovered { get; init; }

    /// <summary>With <see cref="Recovered"/>: the packets the client missed while away, in order, to send after CONNECT.</summary>
    [Id(5)] public OutboundPacket[]? Missed { get; init; }

    /// <summary>
    /// The grain runs in the process of the gateway that connected it (embedded, co-hosted): the gateway may then hand
    /// it the socket's events one-way (<see cref="ISocketGrain.PostEvent"/>) and hear here when each is done, instead of
    /// waiting for Orleans' response.
    /// </summary>
    [Id(8)] public bool GatewayHere { get; init; }
}
