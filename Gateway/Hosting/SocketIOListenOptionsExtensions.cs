using Microsoft.AspNetCore.Server.Kestrel.Core;
using OrleansSocket.Gateway.EngineIO.Takeover;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Sets up a Kestrel endpoint to carry Socket.IO WebSockets on its connections.</summary>
public static class SocketIOListenOptionsExtensions
{
    /// <summary>
    /// Lets a Socket.IO WebSocket accepted on this endpoint run on its connection once its handshake request has
    /// gone through the ASP.NET Core pipeline (authentication, CORS, routing and the Engine.IO checks run as for any
    /// request) and ended, instead of on an upgraded request: the request's HTTP context and Kestrel's HTTP/1.1
    /// objects are released, so an open socket holds less memory, and its frames go straight to the connection.
    /// Call it after <c>UseHttps()</c> when the endpoint uses TLS (elsewhere the endpoint's WebSockets are upgraded
    /// requests as without it); HTTP/2 WebSockets are upgraded requests too. Typically:
    /// <c>builder.WebHost.ConfigureKestrel(k =&gt; k.ConfigureEndpointDefaults(l =&gt; l.UseSocketIO()))</c>.
    /// </summary>
    /// <param name="listenOptions">The endpoint's options.</param>
    /// <returns><paramref name="listenOptions"/>.</returns>
    public static ListenOptions UseSocketIO(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        listenOptions.Use(WebSocketTakeover.Middleware);
        return listenOptions;
    }
}
