using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using OrleansSocket.Gateway.EngineIO.Takeover;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// One Engine.IO endpoint: checks each request the way Node's <c>Server.verify</c>/<c>handshake</c> do, opens
/// sessions, and hands requests that name a session to its transport.
/// </summary>
internal sealed class EngineServer
{
    public const string PollingName = "polling";
    public const string WebSocketName = "websocket";

    /// <summary>Gap between the WebSocket 101 and the first frame of a v3 WebSocket-only session (see the handshake).</summary>
    internal static readonly TimeSpan V3OpenPacketDelay = TimeSpan.FromMilliseconds(10);

    private readonly IEngineApplication _application;
    private readonly EngineCors _cors;
    private readonly HashSet<string> _transports;
    private readonly ConcurrentDictionary<string, EngineSession> _sessions = new(StringComparer.Ordinal);
    private readonly IEngineSessionRouter? _router;
    private readonly SessionForwarder? _forwarder;

    /// <param name="application">Gets each session's messages and lifecycle events.</param>
    /// <param name="options">The transports, timeouts and limits.</param>
    /// <param name="log">Where the sessions' log lines go.</param>
    /// <param name="time">The clock heartbeats and timeouts run on.</param>
    /// <param name="router">Finds the gateway holding a session this one does not (no sticky sessions); null: sessions are local only.</param>
    public EngineServer(IEngineApplication application, EngineIOOptions options, EngineLog log, TimeProvider time, IEngineSessionRouter? router = null)
    {
        ArgumentNullException.ThrowIfNull(application);
        Validate(options);
        _application = application;
        _router = router;
        if (router is not null) _forwarder = new SessionForwarder(log, time);
        Options = Snapshot(options);
        Log = log;
        Time = time;
        _cors = new EngineCors(Options.Cors);
        _transports = new HashSet<string>(Options.Transports, StringComparer.Ordinal);
    }

    public EngineIOOptions Options { get; }
    public EngineLog Log { get; }
    public TimeProvider Time { get; }
    public int SessionCount => _sessions.Count;

    public async Task HandleRequestAsync(HttpContext context)
    {
        var request = context.Request;
        var isWebSocket = context.WebSockets.IsWebSocketRequest;

        // Node applies the cors middleware before anything else, so even error replies carry its headers.
        if (!_cors.IsOriginAllowed(request))
        {
            await RefuseAsync(context, isWebSocket, EngineErrors.Forbidden);
            return;
        }
        _cors.ApplyHeaders(context);
        if (!isWebSocket && _cors.TryAnswerPreflight(context)) return;

        // Parsed here rather than through request.Query, whose collection the request (so a WebSocket's whole life) would keep.
        var query = ParseQuery(request.QueryString);
        var transport = Find(query, "transport");
        if (transport is null || !_transports.Contains(transport))
        {
            await RefuseAsync(context, isWebSocket, EngineErrors.UnknownTransport);
            return;
        }
        if (HasInvalidHeaderChar(request.Headers.Origin.ToString()))
        {
            await RefuseAsync(context, isWebSocket, EngineErrors.BadRequest);
            return;
        }

        var sid = Find(query, "sid");
        if (!string.IsNullOrEmpty(sid))
        {
            if (!_sessions.TryGetValue(sid, out var session) || session.ExpireIfDue())
            {
                if (session is not null && !isWebSocket && HttpMethods.IsGet(request.Method) && session.TryClaimFinalPoll())
                    await session.Polling!.HandleGetAsync(context, isHandshake: false); // answered with the noop
                else if (session is null && await TryForwardAsync(context, sid, isWebSocket))
                    return;
                else
                    await RefuseAsync(context, isWebSocket, EngineErrors.UnknownSid);
                return;
            }
            if (isWebSocket)
            {
                if (transport != WebSocketName)
                {
                    await RefuseAsync(context, isWebSocket, EngineErrors.BadRequest);
                    return;
                }
                await UpgradeAsync(context, session, SupportsBinary(query));
                return;
            }
            if (HttpMethods.IsGet(request.Method) && session.UpgradeSettling is { } settling)
                await WaitForUpgradeAsync(settling, Time, context.RequestAborted);
            if (session.Transport != transport || session.Polling is null)
            {
                // Node: TRANSPORT_MISMATCH, e.g. a poll after the session moved to WebSocket.
                await RefuseAsync(context, isWebSocket, EngineErrors.BadRequest);
                return;
            }
            if (HttpMethods.IsGet(request.Method)) await session.Polling.HandleGetAsync(context, isHandshake: false);
            else if (HttpMethods.IsPost(request.Method)) await session.Polling.HandlePostAsync(context);
            else context.Response.StatusCode = StatusCodes.Status500InternalServerError; // Node's polling onRequest
            return;
        }

        if (!isWebSocket && !HttpMethods.IsGet(request.Method))
        {
            await RefuseAsync(context, isWebSocket, EngineErrors.BadHandshakeMethod);
            return;
        }
        if (isWebSocket != (transport == WebSocketName))
        {
            // websocket without an upgrade, or an upgrade that names polling.
            await RefuseAsync(context, isWebSocket, EngineErrors.BadRequest);
            return;
        }
        var protocol = Find(query, "EIO") switch
        {
            "4" => 4,
            "3" when Options.AllowEIO3 => 3,
            _ => 0,
        };
        if (protocol == 0)
        {
            await RefuseAsync(context, isWebSocket, EngineErrors.UnsupportedProtocolVersion);
            return;
        }

        // Other gateways must be able to find this one before it hands out a session id.
        if (_router is { Ready.IsCompleted: false }) await _router.Ready.WaitAsync(context.RequestAborted);
        if (isWebSocket)
        {
            await WebSocketHandshakeAsync(context, protocol, query);
            return;
        }
        var polling = CreateSession(BuildHandshake(context, query), protocol, PollingName, SupportsBinary(query));
        polling.Open(OpenPacket(polling, PollingName), _application);
        await polling.Polling!.HandleGetAsync(context, isHandshake: true);
    }

    /// <summary>
    /// A WebSocket-only session: accepted on the connection once the request ends when the endpoint allows it
    /// (<see cref="WebSocketTakeover"/>), else on the request, which then lasts as long as the socket.
    /// </summary>
    private async Task WebSocketHandshakeAsync(HttpContext context, int protocol, Dictionary<string, string> query)
    {
        var handshake = BuildHandshake(context, query);
        var supportsBinary = SupportsBinary(query);
        await WebSocketTakeover.AcceptAsync(context, (socket, aborted) => RunWebSocketSessionAsync(socket, protocol, handshake, supportsBinary, aborted));
    }

    private async Task RunWebSocketSessionAsync(WebSocket socket, int protocol, EngineHandshake handshake, bool supportsBinary, CancellationToken aborted)
    {
        var session = CreateSession(handshake, protocol, WebSocketName, pollingSupportsBinary: true);
        using var transport = new WebSocketTransport(socket, session, supportsBinary, aborted);
        session.AttachInitialWebSocket(transport);
        session.Open(OpenPacket(session, WebSocketName), _application);
        // Node writes the open packet after the 101 in a separate, later write. v3 clients (and the v3 protocol
        // suite, which attaches its message listener only after "open") can miss a first frame that reaches them
        // in the same read as the 101, so keep that gap for them.
        if (session.Codec.DelaysFirstWebSocketFrame)
        {
            // A client gone meanwhile is noticed by the receive loop below, which ends the session.
            await Task.Delay(V3OpenPacketDelay, Time, aborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        transport.StartWriter();
        await transport.RunAsync();
    }

    /// <summary>A WebSocket asking to take over a polling session (on the connection when allowed, as above).</summary>
    private static Task UpgradeAsync(HttpContext context, EngineSession session, bool supportsBinary) =>
        WebSocketTakeover.AcceptAsync(context, (socket, aborted) => RunUpgradeAsync(socket, session, supportsBinary, aborted));

    private static async Task RunUpgradeAsync(WebSocket socket, EngineSession session, bool supportsBinary, CancellationToken aborted)
    {
        using var transport = new WebSocketTransport(socket, session, supportsBinary, aborted);
        // Already upgrading or upgraded: Node accepts the socket, then closes it.
        if (!session.TryBeginProbe(transport)) transport.BeginClose();
        await transport.RunAsync();
    }

    /// <summary>
    /// A session this gateway does not hold: relayed to the gateway that does, if the router knows one and the request
    /// was not relayed already. False when the request is to be answered here (unknown session).
    /// </summary>
    private async Task<bool> TryForwardAsync(HttpContext context, string sid, bool isWebSocket)
    {
        if (_router is null || _forwarder is null || context.Request.Headers.ContainsKey(SessionForwarder.ForwardedHeader)) return false;
        Uri? owner;
        try
        {
            owner = await _router.FindOwnerAsync(sid, context.RequestAborted);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            Log.RouterFailed(ex, sid);
            return false;
        }
        if (owner is null) return false;
        // The owner applies the same CORS policy and sends its own headers.
        context.Response.Headers.Clear();
        if (isWebSocket) await _forwarder.ForwardWebSocketAsync(context, owner, sid);
        else await _forwarder.ForwardHttpAsync(context, owner, sid, Options.MaxHttpBufferSize);
        return true;
    }

    private EngineSession CreateSession(EngineHandshake handshake, int protocol, string transport, bool pollingSupportsBinary)
    {
        var session = new EngineSession(this, NewSessionId(_router?.LocalPrefix), protocol, transport, handshake, pollingSupportsBinary);
        _sessions[session.Id] = session;
        Log.SessionOpened(session.Id, protocol, transport);
        return session;
    }

    internal void Remove(EngineSession session) => _sessions.TryRemove(new KeyValuePair<string, EngineSession>(session.Id, session));

    /// <summary>Ends every session (host shutdown): pending polls are answered, WebSockets closed.</summary>
    public void CloseAll()
    {
        foreach (var session in _sessions.Values) session.Terminate(EngineCloseReason.ForcedClose);
    }

    /// <summary>Releases the forwarding connections (host stopped).</summary>
    public void DisposeForwarding() => _forwarder?.Dispose();

    /// <summary>
    /// The open packet's JSON. v4 has exactly sid, upgrades, pingInterval, pingTimeout, maxPayload;
    /// v3 clients predate maxPayload, so it is left out for them.
    /// </summary>
    private byte[] OpenPacket(EngineSession session, string transport)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("sid", session.Id);
            json.WriteStartArray("upgrades");
            if (transport == PollingName && Options.AllowUpgrades && _transports.Contains(WebSocketName)) json.WriteStringValue(WebSocketName);
            json.WriteEndArray();
            json.WriteNumber("pingInterval", Options.PingInterval);
            json.WriteNumber("pingTimeout", Options.PingTimeout);
            if (session.Codec.AdvertisesMaxPayload) json.WriteNumber("maxPayload", Options.MaxHttpBufferSize);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// 20 base64url characters from 15 random bytes: the shape of Node's base64id, but unpredictable throughout.
    /// With a router, its prefix (naming this gateway) goes in front.
    /// </summary>
    private static string NewSessionId(string? prefix)
    {
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        var random = System.Buffers.Text.Base64Url.EncodeToString(bytes);
        return string.IsNullOrEmpty(prefix) ? random : prefix + random;
    }

    private EngineHandshake BuildHandshake(HttpContext context, Dictionary<string, string> query)
    {
        var request = context.Request;
        var headers = new Dictionary<string, string>(request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers) headers[LowerCaseHeaderNames.Of(name)] = values.ToString();
        return new EngineHandshake(
            headers,
            query,
            context.Connection.RemoteIpAddress?.ToString(),
            string.Concat(request.PathBase.ToUriComponent(), request.Path.ToUriComponent(), request.QueryString.ToUriComponent()),
            request.IsHttps,
            Time.GetUtcNow())
        {
            // The user authentication set; not context.User, which makes (and the request then keeps) an empty
            // principal when no authentication ran.
            User = context.Features.Get<IHttpAuthenticationFeature>()?.User,
        };
    }

    /// <summary>Node's upgrade check interval: how long a poll during an answered probe may be held.</summary>
    internal static readonly TimeSpan UpgradeCheckInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Holds a poll that arrived during an answered probe until the upgrade settles, or Node's check interval passed.</summary>
    internal static async Task WaitForUpgradeAsync(Task settling, TimeProvider time, CancellationToken aborted)
    {
        try
        {
            await settling.WaitAsync(UpgradeCheckInterval, time, aborted);
        }
        catch (TimeoutException)
        {
            // Still upgrading: the poll is answered with a noop so the client can pause.
        }
        catch (OperationCanceledException)
        {
            // The client gave up; the poll handler sees the aborted request.
        }
    }

    private Task RefuseAsync(HttpContext context, bool isWebSocket, int code)
    {
        Log.RequestRefused(EngineErrors.Message(code), code);
        if (!isWebSocket) return EngineErrors.WriteHttpErrorAsync(context.Response, code);
        // A relayed WebSocket handshake: tell the gateway that relayed it which error this is.
        if (context.Request.Headers.ContainsKey(SessionForwarder.ForwardedHeader))
            context.Response.Headers[SessionForwarder.ErrorCodeHeader] = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return EngineErrors.WriteUpgradeErrorAsync(context.Response, code);
    }

    /// <summary>Node reads the query with URLSearchParams into an object: the last value of a repeated key wins.</summary>
    private static string? Last(StringValues values) => values.Count == 0 ? null : values[values.Count - 1];

    /// <summary>v3: <c>b64</c> (any non-empty value) asks for base64 instead of binary.</summary>
    private static bool SupportsBinary(Dictionary<string, string> query) => string.IsNullOrEmpty(Find(query, "b64"));

    /// <summary>
    /// The query string's parameters, the last value of a repeated one (as the handshake's <c>Query</c> has them);
    /// names that differ only in case count as one, as in <c>request.Query</c>.
    /// </summary>
    internal static Dictionary<string, string> ParseQuery(QueryString queryString)
    {
        var parsed = QueryHelpers.ParseNullableQuery(queryString.Value);
        var query = new Dictionary<string, string>(parsed?.Count ?? 0, StringComparer.Ordinal);
        if (parsed is not null)
            foreach (var (name, values) in parsed) query[name] = Last(values) ?? "";
        return query;
    }

    /// <summary>A parameter by name, ignoring case as <c>request.Query</c> does; null when absent.</summary>
    internal static string? Find(Dictionary<string, string> query, string name)
    {
        if (query.TryGetValue(name, out var value)) return value;
        foreach (var (key, v) in query)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return v;
        return null;
    }

    /// <summary>Node's checkInvalidHeaderChar on the Origin header: only tab, printable ASCII and obs-text.</summary>
    private static bool HasInvalidHeaderChar(string value)
    {
        foreach (var c in value)
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) return true;
        return false;
    }

    private static EngineIOOptions Snapshot(EngineIOOptions options) => new()
    {
        Path = options.Path,
        PingInterval = options.PingInterval,
        PingTimeout = options.PingTimeout,
        UpgradeTimeout = options.UpgradeTimeout,
        MaxHttpBufferSize = options.MaxHttpBufferSize,
        AllowEIO3 = options.AllowEIO3,
        Transports = [.. options.Transports],
        AllowUpgrades = options.AllowUpgrades,
        Cors = new EngineCorsOptions
        {
            AllowedOrigins = [.. options.Cors?.AllowedOrigins ?? []],
            AllowCredentials = options.Cors?.AllowCredentials ?? false,
        },
        MaxPacketsPerPoll = options.MaxPacketsPerPoll,
        MaxBufferedPackets = options.MaxBufferedPackets,
        MaxBufferedBytes = options.MaxBufferedBytes,
    };

    private static void Validate(EngineIOOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PingInterval, 1, nameof(options.PingInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PingTimeout, 1, nameof(options.PingTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.UpgradeTimeout, 1, nameof(options.UpgradeTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxHttpBufferSize, 1, nameof(options.MaxHttpBufferSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxHttpBufferSize, int.MaxValue - 1, nameof(options.MaxHttpBufferSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPacketsPerPoll, 1, nameof(options.MaxPacketsPerPoll));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBufferedPackets, 1, nameof(options.MaxBufferedPackets));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBufferedBytes, 1, nameof(options.MaxBufferedBytes));
        ArgumentNullException.ThrowIfNull(options.Transports, nameof(options.Transports));
        foreach (var transport in options.Transports)
            if (transport is not (PollingName or WebSocketName))
                throw new ArgumentException($"Unknown Engine.IO transport \"{transport}\" (expected \"polling\" or \"websocket\").", nameof(options));
        if (options.Transports.Length == 0) throw new ArgumentException("At least one Engine.IO transport must be enabled.", nameof(options));
    }
}
