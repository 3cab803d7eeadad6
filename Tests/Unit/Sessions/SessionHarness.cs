using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Tests.Sessions;

/// <summary>
/// One gateway <see cref="ClientSession"/> over a fake Engine.IO connection, its socket grains faked: CONNECT is
/// answered by <see cref="ConnectAnswer"/>, every event waits until the test completes its call.
/// </summary>
internal sealed class SessionHarness
{
    private readonly SemaphoreSlim _calls = new(0);
    private readonly SemaphoreSlim _posts = new(0);

    public SessionHarness(SocketIOOptions options, int eio = 4, IHostApplicationLifetime? lifetime = null, SocketIOMeters? meters = null,
        TimeProvider? time = null)
    {
        Connection = Fake<IEngineConnection>.Create(new()
        {
            ["get_Id"] = _ => "sid1",
            ["get_ProtocolVersion"] = _ => eio,
            ["get_Transport"] = _ => "websocket",
            ["get_Handshake"] = _ => new EngineHandshake(new Dictionary<string, string>(), new Dictionary<string, string>(), "127.0.0.1", "/socket.io/", false, DateTimeOffset.UnixEpoch),
            ["Send"] = args =>
            {
                var data = (ReadOnlyMemory<byte>)args[0]!;
                Sent.Enqueue((bool)args[1]! ? "bin:" + Convert.ToHexString(data.Span) : Encoding.UTF8.GetString(data.Span));
                return true;
            },
            ["SendWithAttachments"] = args => SendUnit(args),
            ["SendInline"] = args => SendUnit(args), // an ack or an event from the grains: recorded as any packet
            ["Close"] = _ => Interlocked.Increment(ref _closes),
        });
        var grain = Fake<ISocketGrain>.Create(new()
        {
            ["Connect"] = args =>
            {
                Connects.Enqueue((SocketConnectRequest)args[0]!);
                return Task.FromResult(ConnectAnswer(((SocketConnectRequest)args[0]!).Namespace));
            },
            ["Disconnected"] = args =>
            {
                Disconnects.Enqueue((string)args[0]!);
                return Task.CompletedTask;
            },
            ["HandleEvent"] = args =>
            {
                var done = new TaskCompletionSource<SocketPayload?>(TaskCreationOptions.RunContinuationsAsynchronously);
                Calls.Enqueue(((ClientEvent)args[0]!, done));
                _calls.Release();
                return done.Task;
            },
            // Handed over one-way (the grain said it runs in the gateway's process): recorded; the test reports them done.
            ["PostEvent"] = args =>
            {
                Posts.Enqueue(([(ClientEvent)args[0]!], (EventReceipt)args[1]!));
                _posts.Release();
                return Task.CompletedTask;
            },
            ["PostEvents"] = args =>
            {
                Posts.Enqueue(((ClientEvent[])args[0]!, (EventReceipt)args[1]!));
                _posts.Release();
                return Task.CompletedTask;
            },
            // Events that queued up behind a call come in one: each is a call of its own here, and the batch answers
            // once all of them were completed, in their order.
            ["HandleEvents"] = args =>
            {
                var events = (ClientEvent[])args[0]!;
                var done = new Task<SocketPayload?>[events.Length];
                for (var i = 0; i < events.Length; i++)
                {
                    var call = new TaskCompletionSource<SocketPayload?>(TaskCreationOptions.RunContinuationsAsynchronously);
                    Calls.Enqueue((events[i], call));
                    _calls.Release();
                    done[i] = call.Task;
                }
                return AnswerAsync(done);
            },
        });
        var grains = Fake<IGrainFactory>.Create(new()
        {
            ["GetGrain"] = _ => grain,
            ["CreateObjectReference"] = args => args[0],
        });
        Server = new SocketIOServer(grains, Options.Create(options), Logs, lifetime: lifetime, meters: meters, time: time);
        Session = (ClientSession)Server.OnOpen(Connection);
    }

    private static async Task<EventBatchResult> AnswerAsync(Task<SocketPayload?>[] calls)
    {
        var acks = new SocketPayload?[calls.Length];
        Exception?[]? errors = null;
        for (var i = 0; i < calls.Length; i++)
        {
            try
            {
                acks[i] = await calls[i];
            }
            catch (Exception e)
            {
                (errors ??= new Exception?[calls.Length])[i] = e;
            }
        }
        return new EventBatchResult(acks, errors);
    }

    private bool SendUnit(object?[] args)
    {
        Sent.Enqueue(Encoding.UTF8.GetString(((ReadOnlyMemory<byte>)args[0]!).Span));
        foreach (var attachment in (IReadOnlyList<byte[]>)args[1]!) Sent.Enqueue("bin:" + Convert.ToHexString(attachment));
        return true;
    }

    public IEngineConnection Connection { get; }
    public SocketIOServer Server { get; }
    public ClientSession Session { get; }
    public ListLoggerFactory Logs { get; } = new();
    public ConcurrentQueue<string> Sent { get; } = new();
    public ConcurrentQueue<(ClientEvent Event, TaskCompletionSource<SocketPayload?> Done)> Calls { get; } = new();
    public ConcurrentQueue<SocketConnectRequest> Connects { get; } = new();

    /// <summary>Events handed to socket grains one-way (<see cref="ISocketGrain.PostEvent"/>, <see cref="ISocketGrain.PostEvents"/>), in order.</summary>
    public ConcurrentQueue<(ClientEvent[] Events, EventReceipt Receipt)> Posts { get; } = new();

    /// <summary>The reasons socket grains were told their sockets left with, in order.</summary>
    public ConcurrentQueue<string> Disconnects { get; } = new();
    public Func<string, ConnectResult> ConnectAnswer { get; set; } = _ => ConnectResult.Ok;

    private int _closes;
    public int Closes => Volatile.Read(ref _closes);

    /// <summary>What the transport does with one message: waits for room (which must be there), then delivers it.</summary>
    public void Receive(string text) => Receive(Encoding.UTF8.GetBytes(text), isBinary: false);

    public void Receive(byte[] data, bool isBinary)
    {
        Assert.True(Session.Inbound.WaitForRoomAsync(data.Length).IsCompleted, "the session has no room for this message");
        Session.OnMessage(data, isBinary);
    }

    /// <summary>The next events handed to a socket grain one-way (their socket waits until the test reports them done).</summary>
    public async Task<(ClientEvent[] Events, EventReceipt Receipt)> NextPostAsync()
    {
        Assert.True(await _posts.WaitAsync(TimeSpan.FromSeconds(5)), "no event was posted to the grain");
        Assert.True(Posts.TryDequeue(out var post));
        return post;
    }

    /// <summary>The next event a socket grain was asked to handle (its call stays open until completed).</summary>
    public async Task<(ClientEvent Event, TaskCompletionSource<SocketPayload?> Done)> NextCallAsync()
    {
        Assert.True(await _calls.WaitAsync(TimeSpan.FromSeconds(5)), "no event reached the grain");
        Assert.True(Calls.TryDequeue(out var call));
        return call;
    }
}

/// <summary>Every log entry of every logger it made.</summary>
internal sealed class ListLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(ListLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
