namespace OrleansSocket.Gateway.Protocol;

/// <summary>
/// A Socket.IO packet the decoder rejects. The only exception <see cref="SocketIODecoder"/> throws for
/// bad input, so the session layer can catch exactly this and close the connection, as the reference
/// server does when socket.io-parser throws.
/// </summary>
internal sealed class SocketIODecodeException : Exception
{
    /// <summary>Rejects a packet for the reason in <paramref name="message"/>.</summary>
    public SocketIODecodeException(string message) : base(message)
    {
    }

    /// <summary>Rejects a packet for the reason in <paramref name="message"/>, found by <paramref name="innerException"/>
    /// (e.g. a <c>JsonException</c>).</summary>
    public SocketIODecodeException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
