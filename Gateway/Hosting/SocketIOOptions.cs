using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Gateway.Hosting;

/// <summary>Gateway options, bound from the <c>SocketIO</c> configuration section.</summary>
public sealed class SocketIOOptions
{
    public const string Section = "SocketIO";

    /// <summary>Where Socket.IO is served (Engine.IO's path).</summary>
    public string Path { get; set; } = "/socket.io/";

    /// <summary>A connection that joins no namespace within this time is closed (Node's <c>connectTimeout</c>).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>The Engine.IO transport: heartbeat, payload limits, CORS, transports.</summary>
    public EngineIOOptions Engine { get; set; } = new();

    /// <summary>Socket.IO packet decoding limits (attachments per packet).</summary>
    public SocketIOParserOptions Parser { get; set; } = new();

    /// <summary>Also serve <c>/socket.io/socket.io.js</c> (the official browser client, copied at build time).</summary>
    public bool ServeClient { get; set; } = true;

    /// <summary>
    /// Serve requests for sessions held by another gateway of the cluster by relaying them there, so a load
    /// balancer in front of several gateways needs no sticky sessions (see docs/no-sticky-sessions.md).
    /// Session ids then start with a tag naming their gateway. False: sessions are local to their gateway.
    /// </summary>
    public bool ForwardSessions { get; set; } = true;

    /// <summary>
    /// Where the other gateways reach this one over HTTP (<c>scheme://host:port</c>), to relay requests for its
    /// sessions. Default: the first address Kestrel bound, with a wildcard host (<c>0.0.0.0</c>, <c>[::]</c>,
    /// <c>*</c>, <c>+</c>) replaced by the machine's host name.
    /// </summary>
    public string? AdvertisedUrl { get; set; }
}
