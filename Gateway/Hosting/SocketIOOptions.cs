using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Gateway.Hosting;

/// <summary>Gateway options, bound from the <c>SocketIO</c> configuration section.</summary>
public sealed class SocketIOOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "SocketIO";

    /// <summary>Where Socket.IO is served (Engine.IO's path).</summary>
    public string Path { get; set; } = "/socket.io/";

    /// <summary>A connection that joins no namespace within this time is closed (Node's <c>connectTimeout</c>).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Most packets one connection (all its namespaces together) may have read and not yet handled by their socket
    /// grains. At the bound the connection's transport stops reading (WebSocket: TCP back-pressure; polling: the
    /// POST is answered once its packets are in) until a handler finishes. Events and CONNECTs count; acks do not.
    /// </summary>
    public int MaxInboundPackets { get; set; } = 256;

    /// <summary>
    /// Most bytes of those packets (as received), including a binary packet still waiting for attachments. A packet
    /// that does not fit waits until handlers have made room; one larger than the bound gets in once nothing else of
    /// its connection is queued (the transport's <c>Engine:MaxHttpBufferSize</c> and
    /// <c>Parser:MaxPendingBinaryBytes</c> bound it then).
    /// </summary>
    public long MaxInboundBytes { get; set; } = 1_000_000;

    /// <summary>
    /// Most events of one socket sent to its grain in one call. A socket's events run one call at a time, in order;
    /// those that queued up while its previous call was in flight go together in the next one (one call cannot be
    /// reordered), so a client with several events in flight costs one round trip per call rather than one per
    /// event. 1: one call per event. The events are already counted by <see cref="MaxInboundPackets"/> and
    /// <see cref="MaxInboundBytes"/> while they wait, so this bounds the size of a call, not memory. With
    /// <see cref="EventBatching"/> on, this many go next to each other in one batch.
    /// </summary>
    public int MaxEventsPerSocketCall { get; set; } = 16;

    /// <summary>
    /// Where a socket's grain runs in the gateway's own process (embedded, co-hosted), its events are handed to it one-way
    /// and the grain reports each one done to the gateway directly, which saves Orleans' response. This is how long the
    /// gateway waits for that report before it sends the socket's next event anyway (and from then on awaits each of its
    /// calls), as Orleans' response timeout (30 s by default) bounds an awaited call: a handler that runs longer holds its
    /// socket's next events, not the gateway. The events waiting meanwhile count against <see cref="MaxInboundPackets"/>
    /// and <see cref="MaxInboundBytes"/>.
    /// </summary>
    public TimeSpan PostedEventTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where a socket's grain runs in the gateway's own process (embedded, co-hosted), an event whose handler needs nothing
    /// of its socket (no <c>ISocket</c>, <c>IAck</c>, service or provider parameter, no <c>[Authorize]</c>, no
    /// <c>SocketIOHandler</c> class, no packet middleware in its namespace) runs on the thread that read it, without a
    /// turn of the socket's grain, as Node runs handlers on its event loop; its events still run in order. True by
    /// default. Such a handler should not block: with inline I/O its thread serves other connections too. False runs
    /// every handler on its grain's turn.
    /// </summary>
    public bool InlineStatelessHandlers { get; set; } = true;

    /// <summary>Client events sent to the silos in batches, for thin gateways (see <see cref="EventBatchingOptions"/>).</summary>
    public EventBatchingOptions EventBatching { get; set; } = new();

    /// <summary>A start-up warm-up of the connect and event paths (see <see cref="WarmUpOptions"/>; off by default).</summary>
    public WarmUpOptions WarmUp { get; set; } = new();

    /// <summary>The Engine.IO transport: heartbeat, payload limits, CORS, transports.</summary>
    public EngineIOOptions Engine { get; set; } = new();

    /// <summary>Socket.IO packet decoding limits (attachments per packet, bytes of a packet awaiting attachments).</summary>
    public SocketIOParserOptions Parser { get; set; } = new();

    /// <summary>
    /// Also serve the official browser client under <see cref="Path"/>: <c>socket.io.js</c>, <c>socket.io.min.js</c>,
    /// <c>socket.io.esm.min.js</c>, <c>socket.io.msgpack.min.js</c> and their <c>.map</c> files (socket.io-client,
    /// embedded in the gateway library), as Node's <c>serveClient</c>. Off: those paths belong to Engine.IO
    /// (which answers them 400 "Transport unknown", as Node does).
    /// </summary>
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
