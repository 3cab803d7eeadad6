namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// Settings of one Engine.IO endpoint. Defaults follow the Node.js engine.io server, except where noted.
/// Bind from configuration with <see cref="EngineIOServiceCollectionExtensions.AddEngineIO(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/>,
/// which replaces (rather than appends to) the array defaults; plain <c>ConfigurationBinder.Bind</c> appends
/// configured array items to the defaults, a long-standing binder behaviour.
/// The values are read once, when the endpoint is mapped.
/// </summary>
public sealed class EngineIOOptions
{
    /// <summary>Conventional configuration section name.</summary>
    public const string SectionName = "EngineIO";

    /// <summary>Request path the endpoint serves (Socket.IO's default; bare Engine.IO uses "/engine.io/").</summary>
    public string Path { get; set; } = "/socket.io/";

    /// <summary>Milliseconds between two server pings (v4), advertised to the client.</summary>
    public int PingInterval { get; set; } = 25000;

    /// <summary>Milliseconds the client has to answer a ping (v4); v3 sessions close after PingInterval + PingTimeout of silence.</summary>
    public int PingTimeout { get; set; } = 20000;

    /// <summary>Milliseconds a WebSocket may stay in the probe phase before it is closed and polling carries on.</summary>
    public int UpgradeTimeout { get; set; } = 10000;

    /// <summary>
    /// Largest POST body or WebSocket message, in bytes (advertised as <c>maxPayload</c> in v4).
    /// A bigger one is refused (413 / WebSocket close 1009) and the session closes.
    /// </summary>
    public int MaxHttpBufferSize { get; set; } = 1_000_000;

    /// <summary>Accept Engine.IO v3 (Socket.IO v2) clients.</summary>
    public bool AllowEIO3 { get; set; } = true;

    /// <summary>Enabled transports: "polling" and/or "websocket".</summary>
    public string[] Transports { get; set; } = ["polling", "websocket"];

    /// <summary>Advertise and accept the polling → websocket upgrade.</summary>
    public bool AllowUpgrades { get; set; } = true;

    /// <summary>Cross-origin policy, applied to HTTP requests and WebSocket handshakes alike.</summary>
    public EngineCorsOptions Cors { get; set; } = new();

    /// <summary>
    /// Most packets one long-polling response carries; the rest wait for the next poll.
    /// Node has no such bound. 256 keeps a single response (and the time it holds the session's queue)
    /// small while still moving thousands of packets a second at ordinary round-trip times.
    /// </summary>
    public int MaxPacketsPerPoll { get; set; } = 256;

    /// <summary>
    /// Most packets queued for one session (everything it is sent: messages, pings, pongs). When a packet would
    /// pass this bound or <see cref="MaxBufferedBytes"/>, the oldest queued volatile packets are dropped to make room;
    /// if that is not enough, the client is not keeping up and the session closes ("transport error").
    /// A volatile packet that does not fit is dropped. 4096 absorbs broadcast bursts while a polling client is
    /// between two requests.
    /// </summary>
    public int MaxBufferedPackets { get; set; } = 4096;

    /// <summary>
    /// Most payload bytes one session holds for its client: queued packets plus those a transport has taken but not
    /// yet written (a WebSocket send the client does not read, a poll response being written). Handled like
    /// <see cref="MaxBufferedPackets"/>. Node's ws never closes a socket for its <c>bufferedAmount</c>, so a client
    /// that does not read makes it grow without bound; 4 MB holds four messages of the largest size a client may send
    /// (<see cref="MaxHttpBufferSize"/>), and must exceed the largest packet the application sends to one client.
    /// </summary>
    public long MaxBufferedBytes { get; set; } = 4_000_000;
}

/// <summary>Cross-origin settings, shaped after the options Node's <c>cors</c> package takes.</summary>
public sealed class EngineCorsOptions
{
    /// <summary>
    /// Empty: same-origin only (a request whose Origin header differs from its own scheme://host is refused,
    /// and no CORS headers are sent). <c>["*"]</c>: any origin. Otherwise the exact origins allowed,
    /// e.g. <c>https://app.example.com</c>. Requests without an Origin header (non-browser clients) are always allowed.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Send <c>Access-Control-Allow-Credentials: true</c> (cookies on cross-origin requests).</summary>
    public bool AllowCredentials { get; set; }
}
