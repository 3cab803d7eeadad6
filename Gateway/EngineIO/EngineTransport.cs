namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// One way of carrying a session's packets (engine.io's <c>Transport</c>): long-polling or a WebSocket. The session
/// holds its current one (<c>EngineSession.SetTransportLocked</c>, engine.io's <c>setTransport</c>) and tells
/// it when there is something to send; the transport takes packets from the session, hands it what arrives, and
/// reports how it ended. A transport never takes the session's lock; the session may read
/// <see cref="IsWritable"/> while holding it, so a transport's own lock is taken after the session's, never before.
/// </summary>
internal abstract class EngineTransport
{
    /// <summary>"polling" or "websocket".</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Whether a packet queued now goes out without waiting for the client (Node's <c>writable</c>): a WebSocket
    /// always, long-polling while a GET is parked. A volatile packet is dropped when it is not.
    /// </summary>
    public abstract bool IsWritable { get; }

    /// <summary>Packets were queued or the session changed state: look again. Never blocks.</summary>
    public abstract void Wake();

    /// <summary>The session ended: finish what is pending and close. Never blocks.</summary>
    public abstract void Close();
}
