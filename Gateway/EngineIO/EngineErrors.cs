using System.Text;
using Microsoft.Net.Http.Headers;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>The error codes and messages of Node's engine.io server, and the two ways it answers them.</summary>
internal static class EngineErrors
{
    public const int UnknownTransport = 0;
    public const int UnknownSid = 1;
    public const int BadHandshakeMethod = 2;
    public const int BadRequest = 3;
    public const int Forbidden = 4;
    public const int UnsupportedProtocolVersion = 5;

    private static readonly string[] Messages =
    [
        "Transport unknown",
        "Session ID unknown",
        "Bad handshake method",
        "Bad request",
        "Forbidden",
        "Unsupported protocol version",
    ];

    // The bodies never change: encode them once.
    private static readonly byte[][] JsonBodies = Messages
        .Select((message, code) => Encoding.UTF8.GetBytes($$"""{"code":{{code}},"message":"{{message}}"}"""))
        .ToArray();

    private static readonly byte[][] TextBodies = Messages.Select(Encoding.UTF8.GetBytes).ToArray();

    public static string Message(int code) => Messages[code];

    /// <summary>
    /// An HTTP request refused (Node's <c>abortRequest</c>): 403 for Forbidden, otherwise 400,
    /// with <c>{"code":N,"message":"..."}</c> as application/json.
    /// </summary>
    public static Task WriteHttpErrorAsync(HttpResponse response, int code)
    {
        response.HttpContext.RequestServices?.GetService<SocketIOMeters>()?.EngineIOError(code);
        response.StatusCode = code == Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
        response.ContentType = "application/json";
        var body = JsonBodies[code];
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>
    /// A WebSocket handshake refused (Node's <c>abortUpgrade</c>): always 400, the bare message as text/html,
    /// and the connection closed.
    /// </summary>
    public static Task WriteUpgradeErrorAsync(HttpResponse response, int code)
    {
        response.HttpContext.RequestServices?.GetService<SocketIOMeters>()?.EngineIOError(code);
        response.StatusCode = StatusCodes.Status400BadRequest;
        response.ContentType = "text/html";
        response.Headers[HeaderNames.Connection] = "close";
        var body = TextBodies[code];
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }
}
