using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using OrleansSocket.Testing;

namespace OrleansSocket.Tests.Testing;

/// <summary>What the client sends in its CONNECT packet.</summary>
public sealed record Auth(string? Token, string? User, string? Role);

public sealed record Message(string? Data);

public sealed record FileMessage(string Name, byte[] Data);

/// <summary>A service the handlers get injected: where they record disconnect reasons (and errors) for the tests to read.</summary>
public sealed class HandlerLog
{
    public ConcurrentDictionary<string, string> DisconnectReasons { get; } = new();
    public ConcurrentQueue<(string Socket, string Event, string Error)> Errors { get; } = new();
}

/// <summary>A small chat application, as a user of the library would write it.</summary>
public sealed class ChatHandlers(HandlerLog log) : SocketIOHandler
{
    [OnConnect]
    public async Task Connect(Auth auth)
    {
        if (auth.Token != "secret")
            throw new ConnectionRefusedException("Not authorized", new { code = 401, token = auth.Token });
        Socket.UserId = auth.User;
        await Socket.EmitAsync("welcome", new { sid = Socket.Id });
    }

    [OnDisconnect]
    public void Disconnect(string reason) => log.DisconnectReasons[Socket.Id] = reason;

    [On("my event")]
    public Task MyEvent(Message message) => Socket.EmitAsync("my response", new { data = message.Data });

    [On("add")]
    public int Add(int a, int b) => a + b;

    [On("divmod")]
    public Ack DivMod(int a, int b) => Ack.Many(a / b, a % b);

    [On("reverse bytes")]
    public byte[] ReverseBytes(byte[] data) => [.. data.Reverse()];

    [On("get file")]
    public Task GetFile(string name) => Socket.EmitAsync("file", new FileMessage(name, [1, 2, 3, 255]));

    [On("whoami")]
    public object WhoAmI() => new
    {
        id = Socket.Id,
        user = Socket.UserId,
        header = Socket.Handshake.Headers.GetValueOrDefault("x-client"),
        query = Socket.Handshake.Query.GetValueOrDefault("room"),
    };

    [On("join")]
    public Task Join(string room) => Socket.JoinAsync(room);

    [On("leave")]
    public Task Leave(string room) => Socket.LeaveAsync(room);

    /// <summary>To the other members of the room (Node's <c>socket.to(room)</c>).</summary>
    [On("say")]
    public Task Say(string room, string text) => Socket.To(room).EmitAsync("said", new { from = Socket.Id, text });

    /// <summary>To every member of the room, the sender too (<c>io.to(room)</c>).</summary>
    [On("announce")]
    public Task Announce(string room, string text) => Socket.Server.To(room).EmitAsync("announcement", text);

    /// <summary>To the room except the members of another room.</summary>
    [On("say except")]
    public Task SayExcept(string room, string except, string text) => Socket.Server.To(room).Except(except).EmitAsync("said", new { from = Socket.Id, text });

    [On("dm")]
    public Task DirectMessage(string user, string text) => Socket.Server.ToUser(user).EmitAsync("dm", new { from = Socket.UserId, text });

    [On("shout")]
    public Task Shout(string text) => Socket.Broadcast.EmitAsync("shout", text);

    [On("notify admins")]
    public Task NotifyAdmins(string text) => Socket.Server.Of("/admin").EmitAsync("notice", text);

    /// <summary>Asks this client and acknowledges with its answer.</summary>
    [On("ask")]
    public async Task<string?> Ask(string question)
    {
        var answer = await Socket.EmitWithAckAsync("question", TimeSpan.FromSeconds(5), question);
        return answer.Arg<string>(0);
    }

    /// <summary>Asks every member of a room; acknowledges with what came back.</summary>
    [On("poll")]
    public async Task<object> Poll(string room, int timeoutMs)
    {
        var acks = await Socket.Server.To(room).Timeout(TimeSpan.FromMilliseconds(timeoutMs)).EmitWithAckAsync("vote", "yes or no?");
        return new { targeted = acks.Targeted, allAnswered = acks.AllAnswered, votes = acks.Values<string>().Order().ToArray() };
    }

    [On("remember")]
    public void Remember(string value) => Socket.Session["value"] = value;

    [On("recall")]
    public string? Recall() => Socket.Session.TryGetValue("value", out var value) ? value as string : null;

    [On("kick room")]
    public Task KickRoom(string room) => Socket.Server.To(room).Except(Socket.Id).DisconnectSocketsAsync();

    [On("quit")]
    public Task Quit(bool closeConnection) => Socket.DisconnectAsync(closeConnection);

    [On("fail")]
    public int Fail() => throw new InvalidOperationException("boom");
}

/// <summary>A class-based namespace: admins only.</summary>
public sealed class AdminNamespace(HandlerLog log) : SocketIONamespace
{
    public void OnConnect(Auth auth)
    {
        if (auth.Role != "admin")
            throw new ConnectionRefusedException("Admins only", new { required = "admin" });
    }

    public void OnDisconnect(string reason) => log.DisconnectReasons[Socket.Id] = reason;

    public string OnStatus() => "all good";
}

public static class ChatApp
{
    public static void Register(ISocketIOBuilder io, HandlerLog log) => io
        .AddHandlers<ChatHandlers>()
        .AddNamespace<AdminNamespace>("/admin")
        // Catch-all of "/": events without a handler, acknowledged with what it saw.
        .OnAny((socket, eventName, args) => Task.FromResult<object?>(new { caught = eventName, count = args.Length }))
        .OnErrorDefault((socket, error, eventName) =>
        {
            log.Errors.Enqueue((socket.Id, eventName, error.Message));
            return Task.CompletedTask;
        });
}

/// <summary>One test server for the whole class: starting a cluster takes seconds.</summary>
public sealed class ChatServerFixture : IAsyncLifetime
{
    public SocketIOTestServer Server { get; private set; } = null!;

    /// <summary>The handlers' log, as the silo injects it.</summary>
    public HandlerLog Log => Server.Services.GetRequiredService<HandlerLog>();

    public async Task InitializeAsync()
    {
        var log = new HandlerLog();
        Server = await SocketIOTestServer.StartAsync(io => ChatApp.Register(io, log),
            services => services.AddSingleton(log),
            // Two gateways: rooms, users and broadcast acks cross gateways as in a cluster.
            new SocketIOTestServerOptions { Gateways = 2 });
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
