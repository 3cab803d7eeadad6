namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// The layer above Engine.IO: the Socket.IO client sessions, or the bare echo endpoint.
/// The transport knows nothing of namespaces; this is the whole seam between the two.
/// </summary>
internal interface IEngineApplication
{
    /// <summary>A new Engine.IO session opened (its open packet is already queued).</summary>
    IEngineListener OnOpen(IEngineConnection connection);
}

/// <summary>Receives what arrives on one Engine.IO session. Calls are serial per session, in arrival order.</summary>
internal interface IEngineListener
{
    /// <summary>
    /// One Engine.IO "message" packet: for text, the UTF-8 bytes after the <c>4</c> type character;
    /// for binary, the raw bytes. <paramref name="data"/> is valid only during the call.
    /// Must not block: queue work and return.
    /// </summary>
    void OnMessage(ReadOnlyMemory<byte> data, bool isBinary);

    /// <summary>
    /// The listener's inbound back-pressure, read once when the session opens; null (the default) takes everything at once.
    /// </summary>
    IEngineInbound? Inbound => null;

    /// <summary>
    /// The session closed, with the reason Engine.IO gives (<see cref="EngineCloseReasons.ToWireString"/> spells it as
    /// Node does: "transport close", "ping timeout", ...). Called once.
    /// </summary>
    void OnClose(EngineCloseReason reason);

    /// <summary>The session moved to another transport (polling → "websocket"); serial with <see cref="OnMessage"/>:
    /// what arrives after the upgrade comes after this call.</summary>
    void OnUpgrade(string transport)
    {
    }
}

/// <summary>What an <see cref="IEngineListener"/> holds of its client's input, and how the session waits for room in it.</summary>
public interface IEngineInbound
{
    /// <summary>
    /// Awaited before each "message" packet of <paramref name="length"/> bytes is passed to
    /// <see cref="IEngineListener.OnMessage"/>. While it is pending the session reads nothing more from its client (a
    /// WebSocket stops receiving, so TCP holds the client back; a POST is answered once all its packets are in). A
    /// session whose listener makes no room for as long as its heartbeat allows closes ("ping timeout"): the packets
    /// that would prove the client alive are not read. Must complete once <see cref="IEngineListener.OnClose"/> has
    /// been called.
    /// </summary>
    ValueTask WaitForRoomAsync(int length);
}

/// <summary>One Engine.IO session as the upper layer sees it, whatever its current transport.</summary>
internal interface IEngineConnection
{
    /// <summary>The Engine.IO session id (sid).</summary>
    string Id { get; }
    /// <summary>3 or 4.</summary>
    int ProtocolVersion { get; }
    /// <summary>"polling" or "websocket"; changes when the session upgrades.</summary>
    string Transport { get; }
    /// <summary>The request that opened the session.</summary>
    EngineHandshake Handshake { get; }

    /// <summary>
    /// Queues one "message" packet (text: UTF-8 payload without the <c>4</c>; binary: raw bytes).
    /// Never blocks. The buffer must not be changed afterwards (a broadcast shares one buffer).
    /// Returns false when the session is closed, or when it is volatile and the socket cannot take it now.
    /// </summary>
    bool Send(ReadOnlyMemory<byte> data, bool isBinary, bool isVolatile = false);

    /// <summary>
    /// Queues a text "message" packet followed by its binary attachments (a Socket.IO packet with binary) as one
    /// unit: nothing else is queued between them, and a volatile unit is queued whole or not at all, and dropped
    /// whole to make room. Otherwise like <see cref="Send"/>. The default implementation, for connections that
    /// queue nothing themselves, sends the text and then each attachment with <see cref="Send"/>.
    /// </summary>
    bool SendWithAttachments(ReadOnlyMemory<byte> text, IReadOnlyList<byte[]> attachments, bool isVolatile = false)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        if (!Send(text, isBinary: false, isVolatile)) return false;
        foreach (var attachment in attachments) Send(attachment, isBinary: true);
        return true;
    }

    /// <summary>
    /// As <see cref="SendWithAttachments"/>, but the connection may write the unit on the calling thread when its writer
    /// waits with nothing queued, instead of waking the writer (one task wake-up fewer per packet); the writer takes
    /// over when that write does not complete at once. A thread that delivers a broadcast to many connections calls it
    /// for each: a write that completes at once only hands the frame to the server's transport, which sends it on its
    /// own. The bounds and the volatile rule are those of <see cref="SendWithAttachments"/>. The default queues it as
    /// <see cref="SendWithAttachments"/> does.
    /// </summary>
    bool SendInline(ReadOnlyMemory<byte> text, IReadOnlyList<byte[]> attachments, bool isVolatile = false) =>
        SendWithAttachments(text, attachments, isVolatile);

    /// <summary>Flushes what is queued, then closes the session ("forced close").</summary>
    void Close();
}

/// <summary>The HTTP request that opened an Engine.IO session.</summary>
internal sealed record EngineHandshake(
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Query,
    string? RemoteAddress,
    string Url,
    bool Secure,
    DateTimeOffset Issued)
{
    /// <summary>
    /// The request's user after the app's authentication middleware (<c>HttpContext.User</c>); null when no
    /// authentication ran (anonymous), or the connection did not come over HTTP (a test connection without one).
    /// </summary>
    public System.Security.Claims.ClaimsPrincipal? User { get; init; }
}
