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
}
