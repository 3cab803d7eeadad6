using System.Buffers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

// The benchmark's "ceiling": the least a Socket.IO server on this stack (Kestrel + ASP.NET Core WebSockets)
// can do per message. It answers only
//   - the Engine.IO v4 open (polling GET handshake for the harness's readiness probe, and WebSocket),
//   - a polling POST (the probe's close) with "ok",
//   - the namespace CONNECT of "/" (40 → 40{"sid":...}),
//   - 42<id>["echo_ack",...args] → 43<id>[...args], by copying the argument bytes (no JSON parse),
// plus server pings every pingInterval. No Orleans, no Socket.IO codec, no grains, no rooms: everything
// else is ignored. CPU per ack of a real server, divided by this one's, is the "× ceiling" figure in
// bench/RESULTS.md. Run: dotnet OrleansSocket.Bench.Ceiling.dll --urls http://127.0.0.1:PORT
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();
app.UseWebSockets();
app.Map("/socket.io/", Ceiling.Handle);
app.Run();

internal static class Ceiling
{
    private const int PingIntervalMs = 25000;
    private static readonly byte[] Ping = "2"u8.ToArray();

    private static string OpenPacket(string sid) =>
        $"0{{\"sid\":\"{sid}\",\"upgrades\":[\"websocket\"],\"pingInterval\":{PingIntervalMs},\"pingTimeout\":20000,\"maxPayload\":1000000}}";

    private static string NewId()
    {
        Span<byte> raw = stackalloc byte[15];
        RandomNumberGenerator.Fill(raw);
        return Convert.ToBase64String(raw).Replace('+', '-').Replace('/', '_');
    }

    public static async Task Handle(HttpContext context)
    {
        if (context.Request.Query["EIO"] != "4")
        {
            context.Response.StatusCode = 400;
            return;
        }
        if (context.WebSockets.IsWebSocketRequest)
        {
            using var ws = await context.WebSockets.AcceptWebSocketAsync();
            await RunWebSocket(ws, context.RequestAborted);
            return;
        }
        if (HttpMethods.IsPost(context.Request.Method))
        {
            // The readiness probe's close ("1"); anything else posted is ignored as well.
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            context.Response.ContentType = "text/plain; charset=UTF-8";
            await context.Response.WriteAsync("ok", context.RequestAborted);
            return;
        }
        if (context.Request.Query.ContainsKey("sid"))
        {
            // Polling sessions are not served: the ceiling is for the WebSocket echo scenarios.
            context.Response.StatusCode = 400;
            return;
        }
        context.Response.ContentType = "text/plain; charset=UTF-8";
        await context.Response.WriteAsync(OpenPacket(NewId()), context.RequestAborted);
    }

    private static async Task RunWebSocket(WebSocket ws, CancellationToken aborted)
    {
        using var sendLock = new SemaphoreSlim(1, 1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        await Send(ws, sendLock, Encoding.UTF8.GetBytes(OpenPacket(NewId())), stop.Token);
        var pinger = PingLoop(ws, sendLock, stop.Token);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var outBuffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (ws.State == WebSocketState.Open)
            {
                // One whole message (growing the buffer for large ones).
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    result = await ws.ReceiveAsync(buffer.AsMemory(length), stop.Token);
                    length += result.Count;
                } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close)
                    break;
                if (result.MessageType != WebSocketMessageType.Text || length == 0)
                    continue;

                var message = buffer.AsSpan(0, length);
                if (message[0] == (byte)'1' || message.SequenceEqual("41"u8))
                    break; // Engine.IO close or Socket.IO disconnect
                if (message.StartsWith("40"u8))
                {
                    await Send(ws, sendLock, Encoding.UTF8.GetBytes($"40{{\"sid\":\"{NewId()}\"}}"), stop.Token);
                    continue;
                }
                if (message.StartsWith("42"u8) && TryAck(message, ref outBuffer, out var ackLength))
                    await Send(ws, sendLock, outBuffer.AsMemory(0, ackLength), stop.Token);
                // everything else (pongs, other events) is ignored
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            await stop.CancelAsync();
            try { await pinger; } catch (OperationCanceledException) { }
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(outBuffer);
            if (ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or WebSocketException)
                {
                }
            }
        }
    }

    /// <summary>
    /// <c>42&lt;id&gt;["echo_ack",a,b]</c> → <c>43&lt;id&gt;[a,b]</c>: the id and the bytes after the event name are copied
    /// as they are. Only <c>echo_ack</c> with an ack id on namespace "/" is answered.
    /// </summary>
    private static bool TryAck(ReadOnlySpan<byte> message, ref byte[] output, out int written)
    {
        written = 0;
        var i = 2;
        while (i < message.Length && message[i] >= (byte)'0' && message[i] <= (byte)'9') i++;
        var id = message[2..i];
        if (id.IsEmpty || !message[i..].StartsWith("[\"echo_ack\""u8))
            return false;
        var rest = message[(i + "[\"echo_ack\""u8.Length)..]; // ",a,b]" or "]"
        if (rest.IsEmpty)
            return false;
        if (rest[0] == (byte)',') rest = rest[1..];
        var needed = 2 + id.Length + 1 + rest.Length;
        if (output.Length < needed)
        {
            ArrayPool<byte>.Shared.Return(output);
            output = ArrayPool<byte>.Shared.Rent(needed);
        }
        var o = output.AsSpan();
        "43"u8.CopyTo(o);
        id.CopyTo(o[2..]);
        o[2 + id.Length] = (byte)'[';
        rest.CopyTo(o[(3 + id.Length)..]);
        written = needed;
        return true;
    }

    private static async Task PingLoop(WebSocket ws, SemaphoreSlim sendLock, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(PingIntervalMs));
        while (await timer.WaitForNextTickAsync(stop))
            await Send(ws, sendLock, Ping, stop);
    }

    private static async Task Send(WebSocket ws, SemaphoreSlim sendLock, ReadOnlyMemory<byte> data, CancellationToken stop)
    {
        await sendLock.WaitAsync(stop);
        try
        {
            await ws.SendAsync(data, WebSocketMessageType.Text, endOfMessage: true, stop);
        }
        finally
        {
            sendLock.Release();
        }
    }
}
