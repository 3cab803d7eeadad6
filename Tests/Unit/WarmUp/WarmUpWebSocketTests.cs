using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using OrleansSocket.Gateway.EngineIO.Takeover;
using OrleansSocket.Gateway.WarmUp;
using OrleansSocket.Tests.EngineIO;

namespace OrleansSocket.Tests.WarmUp;

/// <summary>
/// The warm-up's own WebSocket handshake against a scripted TCP server: the request it writes, a first frame that
/// arrives in the same segment as the 101, and the answers it refuses (another status, a wrong accept, an endless head).
/// </summary>
public sealed class WarmUpWebSocketTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(20));

    public void Dispose() => _timeout.Dispose();

    /// <summary>A bound on a test that hangs, not a timed assertion.</summary>
    private CancellationToken Timeout() => _timeout.Token;

    [Fact]
    public async Task The_upgrade_carries_the_key_and_a_frame_sent_with_the_101_is_read_first()
    {
        using var listener = Listen();
        var serving = ServeOnceAsync(listener, request => Encoding.ASCII.GetBytes(SwitchingProtocols(request)).Concat(TextFrame("0{\"sid\":\"s\"}")).ToArray());

        using var ws = await WarmUpWebSocket.ConnectAsync(Target(listener), Timeout());
        var request = await serving;

        Assert.StartsWith("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n", request, StringComparison.Ordinal);
        Assert.Contains($"\r\n{WarmUpAccess.KeyHeader}: {WarmUpAccess.Key}\r\n", request, StringComparison.Ordinal);
        Assert.Contains("\r\nSec-WebSocket-Version: 13\r\n", request, StringComparison.Ordinal);
        var buffer = new byte[64];
        var result = await ws.ReceiveAsync(buffer.AsMemory(), Timeout());
        Assert.True(result.EndOfMessage);
        Assert.Equal("0{\"sid\":\"s\"}", Encoding.UTF8.GetString(buffer, 0, result.Count));
    }

    [Fact]
    public async Task Over_tls_it_connects_whatever_host_the_certificate_names()
    {
        // The warm-up connects to the loopback address; the gateway's certificate names its public host.
        using var certificate = TestCertificates.SelfSigned("CN=gateway.example");
        using var listener = Listen();
        var serving = ServeOnceAsync(listener, request => Encoding.ASCII.GetBytes(SwitchingProtocols(request)).Concat(TextFrame("0{}")).ToArray(), certificate);

        using var ws = await WarmUpWebSocket.ConnectAsync(Target(listener, "wss"), Timeout());
        await serving;

        var buffer = new byte[16];
        var result = await ws.ReceiveAsync(buffer.AsMemory(), Timeout());
        Assert.Equal("0{}", Encoding.UTF8.GetString(buffer, 0, result.Count));
    }

    [Fact]
    public async Task An_answer_other_than_101_fails_with_its_status_line()
    {
        var error = await RefusedAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"u8.ToArray());

        Assert.Contains("got 'HTTP/1.1 404 Not Found'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_101_that_does_not_answer_the_key_fails()
    {
        var error = await RefusedAsync("HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: bm90IHRoZSBhbnN3ZXI=\r\n\r\n"u8.ToArray());

        Assert.Contains("Sec-WebSocket-Accept", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_head_longer_than_the_bound_fails_without_reading_on()
    {
        var header = "X-Padding: " + new string('x', WarmUpWebSocket.MaxResponseHeadBytes) + "\r\n";

        var error = await RefusedAsync(Encoding.ASCII.GetBytes("HTTP/1.1 101 Switching Protocols\r\n" + header + "\r\n"));

        Assert.Contains($"at most {WarmUpWebSocket.MaxResponseHeadBytes} bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ws://127.0.0.1:3100/socket.io/?EIO=4&transport=websocket", "127.0.0.1", "127.0.0.1:3100", false)]
    [InlineData("wss://[::1]:8443/io/?EIO=4&transport=websocket", "::1", "[::1]:8443", true)]
    public void The_target_is_the_endpoints_loopback_address_with_its_authority_as_host(string endpoint, string address, string host, bool tls)
    {
        var target = WarmUpWebSocket.Target.From(new Uri(endpoint));

        Assert.Equal(IPAddress.Parse(address), target.EndPoint.Address);
        Assert.Equal(new Uri(endpoint).Port, target.EndPoint.Port);
        Assert.Equal(host, target.Host);
        Assert.Equal(new Uri(endpoint).PathAndQuery, target.PathAndQuery);
        Assert.Equal(tls, target.Tls);
    }

    [Fact]
    public void The_accept_header_is_found_whatever_its_case()
    {
        const string key = "dGhlIHNhbXBsZSBub25jZQ==";

        // RFC 6455's own example: this key is answered by "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
        WarmUpWebSocket.CheckSwitched("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nsec-websocket-accept:  s3pPLMBiTxaQ9kYGzzhZRbK+xOo= ", key);
        Assert.Throws<InvalidOperationException>(() => WarmUpWebSocket.CheckSwitched("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket", key));
    }

    [Fact]
    public async Task The_prefix_is_read_before_the_stream_in_pieces_the_reader_asks_for()
    {
        await using var stream = new PrefixedStream([1, 2, 3, 4, 5], new MemoryStream([6, 7]));
        var buffer = new byte[3];

        Assert.Equal(3, await stream.ReadAsync(buffer.AsMemory(), Timeout()));
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer);
        Assert.Equal(2, await stream.ReadAsync(buffer.AsMemory(), Timeout()));
        Assert.Equal(new byte[] { 4, 5 }, buffer[..2]);
        Assert.Equal(2, stream.Read(buffer));
        Assert.Equal(new byte[] { 6, 7 }, buffer[..2]);
        Assert.Equal(0, await stream.ReadAsync(buffer.AsMemory(), Timeout()));
    }

    /// <summary>How the handshake fails against a server that answers the upgrade with <paramref name="answer"/>.</summary>
    private async Task<InvalidOperationException> RefusedAsync(byte[] answer)
    {
        using var listener = Listen();
        _ = ServeOnceAsync(listener, _ => answer);
        return await Assert.ThrowsAsync<InvalidOperationException>(() => WarmUpWebSocket.ConnectAsync(Target(listener), Timeout()));
    }

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static WarmUpWebSocket.Target Target(TcpListener listener, string scheme = "ws") =>
        WarmUpWebSocket.Target.From(new Uri($"{scheme}://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/socket.io/?EIO=4&transport=websocket"));

    /// <summary>
    /// Accepts one connection (over TLS with <paramref name="certificate"/>), reads its request head, writes what
    /// <paramref name="answer"/> makes of it in one write, and gives the head.
    /// </summary>
    private async Task<string> ServeOnceAsync(TcpListener listener, Func<string, byte[]> answer, X509Certificate2? certificate = null)
    {
        var client = await listener.AcceptTcpClientAsync(Timeout());
        Stream stream = client.GetStream();
        if (certificate is not null)
        {
            var tls = new SslStream(stream);
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, Timeout());
            stream = tls;
        }
        var head = new List<byte>();
        var one = new byte[1];
        while (!head.TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray()) && await stream.ReadAsync(one, Timeout()) == 1)
            head.Add(one[0]);
        var request = Encoding.ASCII.GetString(head.ToArray());
        await stream.WriteAsync(answer(request), Timeout());
        // Left open: the client under test closes it (its WebSocket is disposed by the test).
        return request;
    }

    private static string SwitchingProtocols(string request)
    {
        const string name = "Sec-WebSocket-Key: ";
        var start = request.IndexOf(name, StringComparison.Ordinal) + name.Length;
        var key = request[start..request.IndexOf("\r\n", start, StringComparison.Ordinal)];
        return $"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {WebSocketTakeover.AcceptKey(key)}\r\n\r\n";
    }

    /// <summary>A server's (unmasked) text frame of a short message.</summary>
    private static byte[] TextFrame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        return [0x81, (byte)payload.Length, .. payload];
    }
}
