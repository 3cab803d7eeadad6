namespace OrleansSocket.Gateway.Protocol;

/// <summary>
/// An encoded Socket.IO packet: one text message, then its binary attachments as separate binary
/// messages, in order. Immutable once built, so a broadcast encodes once and sends the same buffers
/// to every socket.
/// </summary>
internal readonly struct SocketIOEncodedPacket
{
    private readonly IReadOnlyList<byte[]>? _binary;

    /// <summary>The packet <paramref name="text"/> followed by the attachments <paramref name="binary"/>.</summary>
    public SocketIOEncodedPacket(ReadOnlyMemory<byte> text, IReadOnlyList<byte[]> binary)
    {
        Text = text;
        _binary = binary;
    }

    /// <summary>
    /// The text message's UTF-8 payload, without Engine.IO's <c>4</c> type character. <see cref="SocketIOEncoder"/>
    /// puts that character in the byte before it, in the same array, so a transport can send both without a copy.
    /// </summary>
    public ReadOnlyMemory<byte> Text { get; }

    /// <summary>The attachments to send right after <see cref="Text"/>, as binary messages (the caller's arrays, not copies).</summary>
    public IReadOnlyList<byte[]> Binary => _binary ?? [];
}
