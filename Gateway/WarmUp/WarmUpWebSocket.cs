using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using OrleansSocket.Gateway.EngineIO.Takeover;

namespace OrleansSocket.Gateway.WarmUp;

/// <summary>
/// Opens the warm-up's WebSocket connections to this gateway: a loopback socket, the RFC 6455 opening handshake
/// written and read here, and the framework's WebSocket over the stream. Unlike <see cref="ClientWebSocket"/>, this
/// loads and runs no HTTP client (its connection pool, request and header objects, URI parsing): the warm-up runs in
/// the gateway's own process, on the cores its first clients need, and what it should spend them on is the server's
/// connect path and the compilation of it, not a client's.
/// </summary>
internal static class WarmUpWebSocket
{
    /// <summary>The longest response head the handshake reads: Kestrel's 101 is about 150 bytes.</summary>
    internal const int MaxResponseHeadBytes = 4096;

    /// <summary>Where and how a round connects, worked out once from the endpoint's URI.</summary>
    /// <param name="EndPoint">The gateway's loopback address and port.</param>
    /// <param name="Host">The request's <c>Host</c> header (the endpoint's authority).</param>
    /// <param name="PathAndQuery">The request target (path and Engine.IO query).</param>
    /// <param name="Tls">Whether the endpoint is <c>wss</c>.</param>
    internal sealed record Target(IPEndPoint EndPoint, string Host, string PathAndQuery, bool Tls)
    {
        public static Target From(Uri endpoint) => new(
            new IPEndPoint(IPAddress.Parse(endpoint.DnsSafeHost), endpoint.Port),
            endpoint.Authority,
            endpoint.PathAndQuery,
            endpoint.Scheme == "wss");
    }

    /// <summary>
    /// A WebSocket to <paramref name="target"/>, the warm-up's key in its upgrade request; fails with what the gateway
    /// answered when it does not switch protocols.
    /// </summary>
    public static async Task<WebSocket> ConnectAsync(Target target, CancellationToken cancellationToken)
    {
        var socket = new Socket(target.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(target.EndPoint, cancellationToken);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (target.Tls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                // A loopback connection to this very process: its certificate names the host, not the loopback address.
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = target.EndPoint.Address.ToString(),
                    RemoteCertificateValidationCallback = static (_, _, _, _) => true,
                }, cancellationToken);
            }
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"GET {target.PathAndQuery} HTTP/1.1\r\nHost: {target.Host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{WarmUpAccess.KeyHeader}: {WarmUpAccess.Key}\r\n\r\n"), cancellationToken);
            var (head, early) = await ReadResponseHeadAsync(stream, cancellationToken);
            CheckSwitched(head, key);
            return WebSocket.CreateFromStream(early.Length == 0 ? stream : new PrefixedStream(early, stream),
                new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        }
        catch
        {
            if (stream is not null) await stream.DisposeAsync();
            else socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The response head (without its blank line) and the bytes read past it: the gateway may send its first frame (the
    /// Engine.IO open packet) right behind the 101, in the same segment.
    /// </summary>
    private static async Task<(string Head, byte[] Early)> ReadResponseHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxResponseHeadBytes];
        var read = 0;
        int end;
        while ((end = buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (read == buffer.Length) throw new InvalidOperationException($"expected a response head of at most {MaxResponseHeadBytes} bytes, got a longer one");
            var count = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (count == 0) throw new WebSocketException("the server closed the connection before it answered the upgrade");
            read += count;
        }
        return (Encoding.ASCII.GetString(buffer, 0, end), buffer[(end + 4)..read]);
    }

    /// <summary>Checks the head is a 101 whose <c>Sec-WebSocket-Accept</c> answers <paramref name="key"/> (RFC 6455, 4.1).</summary>
    internal static void CheckSwitched(string head, string key)
    {
        var lines = head.Split("\r\n");
        if (!lines[0].StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            throw new InvalidOperationException($"expected the WebSocket upgrade (101), got '{(lines[0].Length > 120 ? lines[0][..120] + "…" : lines[0])}'");
        var expected = WebSocketTakeover.AcceptKey(key);
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase))
            {
                if (line.AsSpan(colon + 1).Trim().SequenceEqual(expected)) return;
                break;
            }
        }
        throw new InvalidOperationException("the upgrade's Sec-WebSocket-Accept does not answer its key");
    }
}
