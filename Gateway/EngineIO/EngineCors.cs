using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// The origin policy of an endpoint. Response headers mirror what Node's <c>cors</c> package sends when
/// engine.io is given <c>cors: { origin, credentials }</c>. Unlike <c>cors</c>, which only withholds the headers
/// and leaves the browser to block the reply, a disallowed Origin is refused outright (as an engine.io
/// <c>allowRequest</c> hook would), and the same check guards the WebSocket handshake, where browsers apply no CORS.
/// </summary>
internal sealed class EngineCors
{
    // The cors package's default "methods" option.
    private const string AllowedMethods = "GET,HEAD,PUT,PATCH,POST,DELETE";

    private readonly bool _crossOriginEnabled;
    private readonly bool _anyOrigin;
    private readonly bool _allowCredentials;
    private readonly HashSet<string> _origins;

    public EngineCors(EngineCorsOptions options)
    {
        var origins = options.AllowedOrigins ?? [];
        _crossOriginEnabled = origins.Length > 0;
        _anyOrigin = origins.Contains("*");
        _allowCredentials = options.AllowCredentials;
        _origins = new HashSet<string>(origins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Whether a request may use the endpoint. Requests without an Origin (non-browser clients) always may.</summary>
    public bool IsOriginAllowed(HttpRequest request)
    {
        var origin = request.Headers.Origin;
        if (StringValues.IsNullOrEmpty(origin)) return true;
        var value = origin.ToString();
        if (_anyOrigin) return true;
        return _crossOriginEnabled ? _origins.Contains(value) : IsSameOrigin(value, request);
    }

    /// <summary>Sets the CORS response headers (only when cross-origin access is configured, like engine.io's <c>cors</c> option).</summary>
    public void ApplyHeaders(HttpContext context)
    {
        if (!_crossOriginEnabled) return;
        var headers = context.Response.Headers;
        var origin = context.Request.Headers.Origin;
        if (_anyOrigin && !_allowCredentials)
        {
            headers.AccessControlAllowOrigin = "*";
        }
        else
        {
            // "*" with credentials is invalid in browsers, so reflect the origin instead (the cors package's origin: true).
            if (!StringValues.IsNullOrEmpty(origin)) headers.AccessControlAllowOrigin = origin;
            headers.Append(HeaderNames.Vary, "Origin");
        }
        if (_allowCredentials) headers.AccessControlAllowCredentials = "true";
    }

    /// <summary>
    /// Answers a preflight the way <c>cors</c> does (204, allowed methods, requested headers reflected).
    /// Returns false when cross-origin access is not configured: Node then handles OPTIONS like any request.
    /// </summary>
    public bool TryAnswerPreflight(HttpContext context)
    {
        if (!_crossOriginEnabled || !HttpMethods.IsOptions(context.Request.Method)) return false;
        var headers = context.Response.Headers;
        headers.AccessControlAllowMethods = AllowedMethods;
        var requested = context.Request.Headers.AccessControlRequestHeaders;
        if (!StringValues.IsNullOrEmpty(requested))
        {
            headers.AccessControlAllowHeaders = requested;
            headers.Append(HeaderNames.Vary, "Access-Control-Request-Headers");
        }
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        context.Response.ContentLength = 0;
        return true;
    }

    private static bool IsSameOrigin(string origin, HttpRequest request)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)) return false; // includes the opaque "null" origin
        if (!string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)) return false;
        if (!string.Equals(uri.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase)) return false;
        var requestPort = request.Host.Port ?? (request.IsHttps ? 443 : 80);
        return uri.Port == requestPort;
    }
}
