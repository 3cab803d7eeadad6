namespace OrleansSocket.Gateway.Protocol;

/// <summary>
/// Limits of the Socket.IO decoder. Plain settable properties so the section binds from configuration.
/// </summary>
public sealed class SocketIOParserOptions
{
    /// <summary>
    /// Most binary attachments one BINARY_EVENT/BINARY_ACK may announce (socket.io-parser's
    /// <c>maxAttachments</c>, default 10). Bounds the memory a client can make us hold while reassembling.
    /// </summary>
    public int MaxAttachments { get; set; } = 10;

    /// <summary>
    /// Most bytes one BINARY_EVENT/BINARY_ACK may hold while its attachments arrive: its text frame plus the
    /// attachments received so far. Past it the connection closes as for any malformed packet. The default is
    /// what <see cref="MaxAttachments"/> attachments of the transport's default 1 MB message limit can reach, as
    /// Node allows; the bytes also count against the connection's <c>SocketIO:MaxInboundBytes</c>.
    /// </summary>
    public long MaxPendingBinaryBytes { get; set; } = 10_000_000;

    /// <summary>
    /// Deepest JSON nesting accepted in a payload. JSON.parse has no such limit, but an unbounded depth
    /// lets one small packet cost a lot of stack and scanning; 64 is System.Text.Json's default.
    /// </summary>
    public int MaxDepth { get; set; } = 64;
}
