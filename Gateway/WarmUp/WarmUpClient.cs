using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;

namespace OrleansSocket.Gateway.WarmUp;

/// <summary>
/// The warm-up's client: Engine.IO 4 / Socket.IO 5 over a WebSocket to this gateway, in <see cref="WarmUpNamespace"/>.
/// Each connection opens, joins the namespace, sends its events one after the other, each acked (alternately through
/// the JSON binding and the copy-through one), asks the process that handled them for its compiled-method count,
/// leaves the namespace and closes; a round runs a number of them, a few at a time.
/// </summary>
internal static class WarmUpClient
{
    private const string Ns = WarmUpNamespace.Name;

    /// <summary>
    /// One round: <paramref name="connections"/> connections in all, <paramref name="concurrency"/> at a time, each
    /// sending <paramref name="events"/> acked events and then asking for its handler's compiled-method count. The
    /// first connection that fails fails the round, with its own exception, and closes the others.
    /// </summary>
    public static async Task<WarmUpRound> RunRoundAsync(Uri endpoint, int concurrency, int connections, int events, CancellationToken cancellationToken)
    {
        var target = WarmUpWebSocket.Target.From(endpoint);
        var opened = 0;
        Exception? failure = null;
        // One failed connection fails the round: the others stop at once instead of running it to its end.
        using var roundFailed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        async Task<List<string>> RunOneAfterAnotherAsync()
        {
            var answers = new List<string>();
            try
            {
                while (Interlocked.Increment(ref opened) <= connections)
                    answers.Add(await RunConnectionAsync(target, events, roundFailed.Token));
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Recorded before the others are cancelled, so the round reports this, not their cancellation.
                Interlocked.CompareExchange(ref failure, e, null);
                await roundFailed.CancelAsync();
                throw;
            }
            return answers;
        }

        var runs = new Task<List<string>>[Math.Min(concurrency, connections)];
        for (var i = 0; i < runs.Length; i++)
            runs[i] = RunOneAfterAnotherAsync();
        List<string>[] answers;
        try
        {
            answers = await Task.WhenAll(runs);
        }
        catch when (Volatile.Read(ref failure) is not null)
        {
            ExceptionDispatchInfo.Throw(failure!);
            throw;
        }
        var compiled = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var answer in answers.SelectMany(a => a))
        {
            // "ProcessKey count": the connections of a round may have reached several silos.
            var space = answer.LastIndexOf(' ');
            if (space <= 0 || !long.TryParse(answer.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                throw new InvalidOperationException($"unexpected answer to '{WarmUpNamespace.Compiled}': '{answer}'");
            var process = answer[..space];
            compiled[process] = Math.Max(count, compiled.GetValueOrDefault(process));
        }
        return new WarmUpRound((long)connections * events, compiled);
    }

    /// <summary>
    /// Connections that another process took: where several processes share the port (<c>SO_REUSEPORT</c>, as the
    /// benchmark's co-hosted pair does), the kernel hands each new connection to any of them, and the others refuse
    /// this process's key. Such a connection is opened again, up to this many times.
    /// </summary>
    internal const int MaxAttempts = 16;

    private static async Task<string> RunConnectionAsync(WarmUpWebSocket.Target target, int events, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var ws = await WarmUpWebSocket.ConnectAsync(target, cancellationToken);
            var buffer = new ArrayBufferWriter<byte>(256);
            var open = await ReceiveAsync(ws, buffer, cancellationToken);
            if (!open.StartsWith('0')) throw Unexpected("an Engine.IO open packet", open);
            await SendAsync(ws, $"40{Ns},", cancellationToken);
            var connected = await ReceiveAsync(ws, buffer, cancellationToken);
            if (connected.StartsWith($"44{Ns},", StringComparison.Ordinal) && attempt < MaxAttempts)
            {
                await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                continue; // another process's gateway, which does not know this key
            }
            if (!connected.StartsWith($"40{Ns},", StringComparison.Ordinal)) throw Unexpected("the namespace's CONNECT", connected);
            return await RunEventsAsync(ws, buffer, events, cancellationToken);
        }
    }

    private static async Task<string> RunEventsAsync(WebSocket ws, ArrayBufferWriter<byte> buffer, int events, CancellationToken cancellationToken)
    {
        for (var id = 0; id < events; id++)
        {
            // Each way an event is bound and run: typed or copied through, off the grain's turn or on it.
            var name = (id % 3) switch
            {
                0 => WarmUpNamespace.Echo,
                1 => WarmUpNamespace.EchoPayload,
                _ => WarmUpNamespace.EchoOnTurn,
            };
            await SendAsync(ws, $"42{Ns},{id}[\"{name}\",\"warm-up {id}\"]", cancellationToken);
            var ack = await ReceiveAsync(ws, buffer, cancellationToken);
            if (!ack.StartsWith($"43{Ns},{id}[", StringComparison.Ordinal)) throw Unexpected($"the ack of event {id}", ack);
        }
        await SendAsync(ws, $"42{Ns},{events}[\"{WarmUpNamespace.Compiled}\"]", cancellationToken);
        var compiled = await ReceiveAsync(ws, buffer, cancellationToken);
        var prefix = $"43{Ns},{events}";
        if (!compiled.StartsWith(prefix, StringComparison.Ordinal)) throw Unexpected($"the answer to '{WarmUpNamespace.Compiled}'", compiled);
        var answer = JsonSerializer.Deserialize<string[]>(compiled.AsSpan(prefix.Length)) is [var one] ? one
            : throw Unexpected($"one string answering '{WarmUpNamespace.Compiled}'", compiled);
        await SendAsync(ws, $"41{Ns},", cancellationToken);
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
        return answer;
    }

    private static Task SendAsync(WebSocket ws, string text, CancellationToken cancellationToken) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>
    /// The longest message the warm-up reads. Its answers are an open packet, a CONNECT, acks of its own short strings
    /// and a process's compiled-method count, all well under this; a longer message fails the round instead of growing
    /// the buffer.
    /// </summary>
    internal const int MaxMessageBytes = 4096;

    /// <summary>The next Socket.IO packet; the server's pings are answered on the way.</summary>
    internal static async Task<string> ReceiveAsync(WebSocket ws, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                // Room for one byte past the bound, so that a longer message is seen without reading the rest of it.
                var room = MaxMessageBytes + 1 - buffer.WrittenCount;
                var memory = buffer.GetMemory(Math.Min(256, room));
                result = await ws.ReceiveAsync(memory[..Math.Min(memory.Length, room)], cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close) throw new WebSocketException("the server closed the connection");
                buffer.Advance(result.Count);
                if (buffer.WrittenCount > MaxMessageBytes)
                    throw new InvalidOperationException($"expected a message of at most {MaxMessageBytes} bytes, got a longer one");
            }
            while (!result.EndOfMessage);
            var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
            if (text != "2") return text;
            await SendAsync(ws, "3", cancellationToken);
        }
    }

    private static InvalidOperationException Unexpected(string expected, string got) =>
        new($"expected {expected}, got '{(got.Length > 120 ? got[..120] + "…" : got)}'");
}
