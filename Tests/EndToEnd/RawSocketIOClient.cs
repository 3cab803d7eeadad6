using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// A Socket.IO client on a raw WebSocket (Engine.IO v4), for tests that need exact control of what is read and
/// written: <see cref="ConnectWebSocketAsync"/> alone gives a socket that a test can write to without ever reading.
/// </summary>
internal sealed partial class RawSocketIOClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<string>> _pendingAcks = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reader = Task.CompletedTask;
    private int _nextAckId;

    private RawSocketIOClient(ClientWebSocket socket) => _socket = socket;

    /// <summary>
    /// A WebSocket to the server's Socket.IO endpoint with a small receive buffer (64 KB, which also stops the
    /// kernel from growing it), so that a client that does not read fills the server's side soon.
    /// </summary>
    public static async Task<ClientWebSocket> ConnectWebSocketAsync(string baseUrl, int eio)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 64 * 1024 };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new ClientWebSocket();
        client.Options.KeepAliveInterval = TimeSpan.Zero;
        var uri = new Uri($"{baseUrl.Replace("http://", "ws://", StringComparison.Ordinal)}/socket.io/?EIO={eio}&transport=websocket");
        using var cts = new CancellationTokenSource(Timeout);
        await client.ConnectAsync(uri, new HttpMessageInvoker(handler), cts.Token);
        return client;
    }

    /// <summary>A client that reads everything, answers pings, and is connected to the main namespace.</summary>
    public static async Task<RawSocketIOClient> ConnectAsync(string baseUrl)
    {
        var client = new RawSocketIOClient(await ConnectWebSocketAsync(baseUrl, 4));
        var open = await client.ReceiveTextAsync();
        Assert.StartsWith("0{", open);
        await client.SendAsync("40");
        string? connected;
        while ((connected = await client.ReceiveTextAsync()) is not null && !connected.StartsWith("40", StringComparison.Ordinal)) { }
        Assert.NotNull(connected);
        client._reader = Task.Run(client.ReadLoopAsync);
        return client;
    }

    /// <summary>Emits <c>message-with-ack</c> (answered with the same argument by the protocol profile) and waits for the ack.</summary>
    public async Task AskAsync()
    {
        var id = Interlocked.Increment(ref _nextAckId);
        var ack = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingAcks[id] = ack;
        await SendAsync($"42{id}[\"message-with-ack\",\"question {id}\"]");
        await Task.WhenAny(ack.Task, _closed.Task).WaitAsync(Timeout);
        if (_closed.Task.IsCompleted) Assert.Fail($"the connection closed while question {id} waited for its ack ({await _closed.Task})");
        Assert.Equal($"[\"question {id}\"]", await ack.Task);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reader;
        }
        catch (Exception)
        {
            // the reader ends with the socket
        }
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            await ReadUntilClosedAsync();
            _closed.TrySetResult($"closed by the server: {_socket.CloseStatus}");
        }
        catch (Exception ex)
        {
            _closed.TrySetResult($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task ReadUntilClosedAsync()
    {
        while (await ReceiveTextAsync(_stop.Token) is { } text)
        {
            if (text == "2")
            {
                await SendAsync("3");
                continue;
            }
            var ack = AckPattern().Match(text);
            if (ack.Success && _pendingAcks.TryRemove(int.Parse(ack.Groups[1].Value), out var pending))
                pending.TrySetResult(ack.Groups[2].Value);
        }
    }

    private async Task SendAsync(string text)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>The next text message; null once the socket is closed.</summary>
    private Task<string?> ReceiveTextAsync(CancellationToken token = default) => ReceiveTextAsync(_socket, token);

    /// <summary>The next text message on <paramref name="socket"/> (a socket from <see cref="ConnectWebSocketAsync"/>); null once it is closed.</summary>
    public static async Task<string?> ReceiveTextAsync(ClientWebSocket socket, CancellationToken token)
    {
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, token);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
        }
    }

    [GeneratedRegex(@"^43(\d+)(\[.*\])$", RegexOptions.Singleline)]
    private static partial Regex AckPattern();
}
