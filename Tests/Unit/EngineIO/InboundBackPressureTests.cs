using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using OrleansSocket.Gateway.EngineIO;
using static OrleansSocket.Tests.EngineIO.EngineClient;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>
/// Inbound back-pressure at the transport: while the application has no room (<see cref="IEngineInbound.WaitForRoomAsync"/>
/// pending), a WebSocket's receive loop reads nothing more and a POST is not answered.
/// </summary>
[Collection(EngineIOTimingCollection.Name)]
public sealed class InboundBackPressureTests : IAsyncLifetime
{
    private const string RS = "\u001e";
    private readonly GatedApplication _app = new();
    private WebApplication? _web;
    private HttpClient _http = null!;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _web = builder.Build();
        _web.MapEngineIO("/quiet/", _app, new EngineIOOptions { PingInterval = 60000, PingTimeout = 60000 });
        _web.MapEngineIO("/fast/", _app, new EngineIOOptions { PingInterval = 300, PingTimeout = 200 });
        await _web.StartAsync();
        _base = new Uri(_web.Urls.First());
        _http = new HttpClient { BaseAddress = _base, Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_web is not null) await _web.DisposeAsync();
    }

    [Fact]
    public async Task WebSocket_stops_reading_while_the_application_has_no_room()
    {
        using var socket = await ConnectAsync(new Uri($"ws://{_base.Authority}/quiet/?EIO=4&transport=websocket&room=2"));
        var session = _app[Sid(await ReceiveTextAsync(socket))];

        foreach (var text in new[] { "4a", "4b", "4c", "4d" }) await SendTextAsync(socket, text);
        Assert.Equal(2, await session.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(["a", "b"], session.Messages); // "c" is read but held; "d" is not read

        session.OpenGate();
        await WaitUntilAsync(() => session.Messages.Count == 4);
        Assert.Equal(["a", "b", "c", "d"], session.Messages);
    }

    [Fact]
    public async Task A_POST_is_answered_once_the_application_has_room_for_all_its_packets()
    {
        var text = await _http.GetStringAsync("/quiet/?EIO=4&transport=polling&room=1");
        var sid = Sid(text);
        var session = _app[sid];

        var post = _http.PostAsync($"/quiet/?EIO=4&transport=polling&sid={sid}", new StringContent("4a" + RS + "4b" + RS + "4c"));
        Assert.Equal(1, await session.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(post.IsCompleted);
        Assert.Equal(["a"], session.Messages);

        session.OpenGate();
        using var answer = await post;
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("ok", await answer.Content.ReadAsStringAsync());
        Assert.Equal(["a", "b", "c"], session.Messages);
    }

    [Fact]
    public async Task A_client_held_back_longer_than_the_heartbeat_allows_is_closed_with_ping_timeout()
    {
        // The client answers every ping, but its pongs wait behind a message the application never makes room for.
        using var socket = await ConnectAsync(new Uri($"ws://{_base.Authority}/fast/?EIO=4&transport=websocket&room=0"));
        var session = _app[Sid(await ReceiveTextAsync(socket))];
        await SendTextAsync(socket, "4stuck");
        await session.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(5));

        while (true)
        {
            var (type, data) = await ReceiveAsync(socket);
            if (type == WebSocketMessageType.Close) break;
            if (Encoding.UTF8.GetString(data) == "2") await SendTextAsync(socket, "3");
        }
        Assert.Equal("ping timeout", await session.Closed.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(session.Messages); // released by the close, the held message is dropped
    }

    private static string Sid(string openPacket)
    {
        using var json = JsonDocument.Parse(openPacket[1..]);
        return json.RootElement.GetProperty("sid").GetString()!;
    }

    /// <summary>Sessions whose listener takes <c>?room=N</c> messages, then has no room until the test opens its gate.</summary>
    private sealed class GatedApplication : IEngineApplication
    {
        private readonly ConcurrentDictionary<string, GatedSession> _sessions = new();

        public GatedSession this[string sid] => _sessions[sid];

        public IEngineListener OnOpen(IEngineConnection connection)
        {
            var session = new GatedSession(int.Parse(connection.Handshake.Query["room"]));
            _sessions[connection.Id] = session;
            return session;
        }
    }

    private sealed class GatedSession(int room) : IEngineListener, IEngineInbound
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _room = room;

        public ConcurrentQueue<string> Messages { get; } = new();

        /// <summary>Set when a message first finds no room, to the number of messages taken until then.</summary>
        public TaskCompletionSource<int> Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<string> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OpenGate()
        {
            Interlocked.Exchange(ref _room, int.MaxValue);
            _gate.TrySetResult();
        }

        IEngineInbound IEngineListener.Inbound => this;

        public ValueTask WaitForRoomAsync(int length)
        {
            if (Interlocked.Decrement(ref _room) >= 0) return ValueTask.CompletedTask;
            Waiting.TrySetResult(Messages.Count);
            return new ValueTask(_gate.Task);
        }

        public void OnMessage(ReadOnlyMemory<byte> data, bool isBinary) => Messages.Enqueue(Encoding.UTF8.GetString(data.Span));

        public void OnClose(EngineCloseReason reason)
        {
            Closed.TrySetResult(reason.ToWireString());
            _gate.TrySetResult(); // the contract: a pending wait completes once the session closed
        }
    }
}
