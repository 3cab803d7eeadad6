using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using OrleansSocket.Gateway.EngineIO;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>
/// A real Kestrel on 127.0.0.1 (random port) with several Engine.IO endpoints, each set up for one kind of test.
/// Its WebSockets are upgraded requests; <see cref="ConnectionWebSocketServerFixture"/> runs them on their connections.
/// </summary>
public class EngineIOServerFixture : IAsyncLifetime
{
    /// <summary>The official test suites' configuration: pingInterval 300, pingTimeout 200, cors "*", EIO3 allowed.</summary>
    public const string Suite = "/engine.io/";
    /// <summary>Echo without heartbeat interference (pings a minute apart), so replies are exactly what was sent.</summary>
    public const string Quiet = "/quiet/";
    /// <summary>Echo with MaxHttpBufferSize 100, MaxPacketsPerPoll 3 and UpgradeTimeout 300.</summary>
    public const string Small = "/small/";
    /// <summary>Echo with a list of allowed origins and credentials.</summary>
    public const string Cors = "/cors/";
    /// <summary>Echo with the default origin policy (same-origin only) and EIO3 refused.</summary>
    public const string SameOrigin = "/same/";
    /// <summary>Recording application, quiet heartbeat, MaxBufferedPackets 4.</summary>
    public const string Recorded = "/rec/";
    /// <summary>Recording application with a fast heartbeat: pingInterval 300, pingTimeout 2000 (see the field's setup).</summary>
    public const string RecordedFast = "/rec-fast/";
    /// <summary>Echo on <see cref="StoppedClock"/>, a clock that never moves: no timer fires, so a poll held during an
    /// answered probe waits for the upgrade however late it comes.</summary>
    public const string Stopped = "/stopped/";

    public const string AllowedOrigin = "https://allowed.example";

    private WebApplication? _app;

    /// <summary>Whether the endpoint is set up with <c>UseSocketIO()</c>.</summary>
    protected virtual bool WebSocketsOnConnections => false;

    public Uri BaseUri { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    internal RecordingApplication Recorder { get; } = new();

    /// <summary>The sessions of the echo endpoints, by sid (to wait for their server-side state).</summary>
    internal TrackingApplication Echoes { get; } = new(new EchoEngineApplication());

    /// <summary>The clock of <see cref="Stopped"/>.</summary>
    internal StoppedClock StoppedClock { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (WebSocketsOnConnections) builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.UseSocketIO()));
        var app = builder.Build();

        var echo = Echoes;
        app.MapEngineIO(Suite, echo, new EngineIOOptions
        {
            PingInterval = 300,
            // Generous: a pong posted on a loaded CI machine once took longer than 200 ms and the session closed.
            PingTimeout = 2000,
            Cors = new EngineCorsOptions { AllowedOrigins = ["*"] },
        });
        app.MapEngineIO(Quiet, echo, Quiet_());
        var small = Quiet_();
        small.MaxHttpBufferSize = 100;
        small.MaxPacketsPerPoll = 3;
        small.UpgradeTimeout = 300;
        app.MapEngineIO(Small, echo, small);
        var cors = Quiet_();
        cors.Cors = new EngineCorsOptions { AllowedOrigins = [AllowedOrigin], AllowCredentials = true };
        app.MapEngineIO(Cors, echo, cors);
        app.MapEngineIO(SameOrigin, echo, new EngineIOOptions { PingInterval = 60000, PingTimeout = 60000, AllowEIO3 = false });
        var recorded = Quiet_();
        recorded.MaxBufferedPackets = 4;
        app.MapEngineIO(Recorded, Recorder, recorded);
        // Not the suite's 200 ms timeout: on a loaded machine a test's ping, or the server's ping timer, came more than
        // 200 ms late and the session closed before the test's first step (the deadlines: SessionClockTests).
        app.MapEngineIO(RecordedFast, Recorder, new EngineIOOptions { PingInterval = 300, PingTimeout = 2000 });
        app.MapEngineIO(Stopped, echo, Quiet_(), time: StoppedClock);

        await app.StartAsync();
        _app = app;
        BaseUri = new Uri(app.Urls.First());
        Http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(10) };

        static EngineIOOptions Quiet_() => new()
        {
            PingInterval = 60000,
            PingTimeout = 60000,
            Cors = new EngineCorsOptions { AllowedOrigins = ["*"] },
        };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }

    public Uri WebSocketUri(string pathAndQuery) => new($"ws://{BaseUri.Authority}{pathAndQuery}");
}

/// <summary>The same server with <c>ListenOptions.UseSocketIO()</c>: WebSockets run on their connections once the request ends.</summary>
public sealed class ConnectionWebSocketServerFixture : EngineIOServerFixture
{
    protected override bool WebSocketsOnConnections => true;
}

/// <summary>
/// A clock that never moves: its timers never fire. It counts the timers made for each due time, so a test sees a wait
/// on the clock begin.
/// </summary>
internal sealed class StoppedClock : TimeProvider
{
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly ConcurrentDictionary<TimeSpan, int> _timers = new();

    public override DateTimeOffset GetUtcNow() => _now;

    public override long GetTimestamp() => 0;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _timers.AddOrUpdate(dueTime, 1, static (_, n) => n + 1);
        return new NeverFires();
    }

    /// <summary>How many timers were made due after <paramref name="dueTime"/>.</summary>
    public int TimersMadeFor(TimeSpan dueTime) => _timers.GetValueOrDefault(dueTime);

    private sealed class NeverFires : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;
        public void Dispose() { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>An application that records what happens, and lets a test drive the server side of a session.</summary>
internal sealed class RecordingApplication : IEngineApplication
{
    public ConcurrentDictionary<string, RecordedSession> Sessions { get; } = new();

    public IEngineListener OnOpen(IEngineConnection connection)
    {
        var session = new RecordedSession(connection);
        Sessions[connection.Id] = session;
        // "?greet=1": send during OnOpen, which must not ride along with the open packet.
        if (connection.Handshake.Query.ContainsKey("greet")) connection.Send("welcome"u8.ToArray(), false);
        return session;
    }

    public RecordedSession this[string sid] => Sessions[sid];
}

/// <summary>An application that keeps each session's connection (the server's side), then lets another serve it.</summary>
internal sealed class TrackingApplication(IEngineApplication inner) : IEngineApplication
{
    private readonly ConcurrentDictionary<string, IEngineConnection> _connections = new();

    public IEngineListener OnOpen(IEngineConnection connection)
    {
        _connections[connection.Id] = connection;
        return inner.OnOpen(connection);
    }

    public IEngineConnection this[string sid] => _connections[sid];
}

internal sealed class RecordedSession(IEngineConnection connection) : IEngineListener
{
    private int _inCall;

    public IEngineConnection Connection { get; } = connection;
    public ConcurrentQueue<string> Messages { get; } = new();
    public TaskCompletionSource<string> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public int CloseCount;
    public bool OverlappingCalls { get; private set; }

    public void OnMessage(ReadOnlyMemory<byte> data, bool isBinary)
    {
        if (Interlocked.Exchange(ref _inCall, 1) == 1) OverlappingCalls = true;
        var text = isBinary ? "bin:" + Convert.ToHexString(data.Span) : Encoding.UTF8.GetString(data.Span);
        Messages.Enqueue(text);
        // "bye": the server answers then closes gracefully (the answer must go out before the close).
        if (text == "bye")
        {
            Connection.Send("ack"u8.ToArray(), false);
            Connection.Close();
        }
        Volatile.Write(ref _inCall, 0);
    }

    public void OnClose(EngineCloseReason reason)
    {
        Interlocked.Increment(ref CloseCount);
        Closed.TrySetResult(reason.ToWireString());
    }

    public Task<string> WaitClosedAsync() => Closed.Task.WaitAsync(EngineClient.Patience);
}

/// <summary>Client-side helpers over HttpClient and ClientWebSocket.</summary>
internal static class EngineClient
{
    /// <summary>How long a test waits for the server to reach a state it must reach: generous, for a loaded machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Waits until the session's poll (a GET sent without awaiting its answer) is parked on the server, waiting for
    /// packets: instead of sleeping and hoping the request got there.
    /// </summary>
    public static Task WaitUntilPollParkedAsync(IEngineConnection connection) =>
        WaitUntilAsync(() => connection is EngineSession { Polling.IsWritable: true }, $"the poll of session {connection.Id} never got to the server");

    /// <summary>Waits until <paramref name="condition"/> holds, checking every few milliseconds, or fails after <see cref="Patience"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what = "condition not met in time")
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Patience, what);
            await Task.Delay(10);
        }
    }

    public static async Task<ClientWebSocket> ConnectAsync(Uri uri, string? origin = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await socket.ConnectAsync(uri, cts.Token);
        return socket;
    }

    public static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(WebSocket socket, int timeoutMs = 5000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close) return (WebSocketMessageType.Close, []);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return (result.MessageType, message.ToArray());
        }
    }

    public static async Task<string> ReceiveTextAsync(WebSocket socket)
    {
        var (type, data) = await ReceiveAsync(socket);
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(data);
    }

    public static Task SendTextAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public static Task SendBinaryAsync(WebSocket socket, byte[] data) =>
        socket.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>Waits for the server's close frame and returns its status.</summary>
    public static async Task<WebSocketCloseStatus?> ExpectCloseAsync(WebSocket socket, int timeoutMs = 5000)
    {
        while (true)
        {
            var (type, _) = await ReceiveAsync(socket, timeoutMs);
            if (type == WebSocketMessageType.Close) return socket.CloseStatus;
        }
    }
}
