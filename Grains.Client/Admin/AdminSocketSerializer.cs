using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OrleansSocket.Grains.Admin;

/// <summary>Turns a socket (<see cref="RemoteSocket"/>, from any gateway) into the shape the Admin UI lists.</summary>
internal static class AdminSocketSerializer
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static AdminSocket Serialize(RemoteSocket socket)
    {
        var handshake = socket.Handshake;
        var headers = handshake.Headers;
        return new AdminSocket(socket.Id, ClientId(socket), socket.Transport is { Length: > 0 } t ? t : handshake.Transport,
            socket.Namespace, Data(socket.DataJson),
            new AdminHandshake(
                // As Node's admin UI: the address a proxy in front reports first.
                headers.GetValueOrDefault("cf-connecting-ip") ?? headers.GetValueOrDefault("x-forwarded-for") ?? handshake.RemoteAddress,
                headers, handshake.Query, handshake.Issued.ToUnixTimeMilliseconds(),
                // The gateway keeps the request's path, not its scheme: TLS is known only from the proxy's header.
                string.Equals(headers.GetValueOrDefault("x-forwarded-proto"), "https", StringComparison.OrdinalIgnoreCase),
                handshake.Issued.ToString("R", CultureInfo.InvariantCulture), handshake.Url, headers.ContainsKey("origin")),
            socket.Rooms);
    }

    /// <summary>
    /// The UI groups sockets by client (Engine.IO connection). Node sends the start of the Engine.IO id; here the
    /// sockets of one connection share their handshake (same request, same instant, same gateway), so its hash stands
    /// for the connection without revealing the session id.
    /// </summary>
    internal static string ClientId(RemoteSocket socket) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{socket.GatewayId}\n{socket.Handshake.Issued.UtcTicks}\n{socket.Handshake.RemoteAddress}\n{socket.Handshake.Url}"))))[..12];

    /// <summary>A socket's data as the UI shows it; an empty object when there is none.</summary>
    internal static JsonElement Data(byte[] json)
    {
        if (json.Length == 0) return EmptyObject;
        try
        {
            return JsonDocument.Parse(json).RootElement.Clone();
        }
        catch (JsonException)
        {
            return EmptyObject;
        }
    }
}
