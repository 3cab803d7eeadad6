using System.Collections.Concurrent;
using System.Text.Json;

namespace OrleansSocket.Tests.Grains;

/// <summary>Handlers the grain-layer tests run in the silo; they record what they saw in static state keyed by socket id.</summary>
public static class TestHandlers
{
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<int>> Sequences = new();
    public static readonly ConcurrentDictionary<string, string> DisconnectReasons = new();

    /// <summary>The failures the error handler of <c>/detached</c> saw, by socket id: the event, and whether it ran on the grain's turn.</summary>
    public static readonly ConcurrentDictionary<string, (string Event, bool OnTurn)> DetachedErrors = new();

    public static void Register(ISocketIOBuilder io)
    {
        io.OnConnect((ISocket socket) => socket.EmitAsync("welcome", socket.Id));
        io.On("add", (int a, int b) => a + b);
        // Emits without waiting, then answers: the emit goes out before the answer.
        io.On("echo twice", (ISocket socket, SocketPayload args) =>
        {
            _ = socket.EmitAsync("echoed", args);
            return args;
        });
        io.On("seq", (ISocket socket, int n) => Sequences.GetOrAdd(socket.Id, _ => new()).Enqueue(n));
        io.On("ask", async (ISocket socket) =>
        {
            var answer = await socket.EmitWithAckAsync("question", TimeSpan.FromSeconds(5), "what?");
            return answer.Arg<string>(0);
        });
        io.On("transport", (ISocket socket) => socket.Transport);
        io.OnUpgrade((ISocket socket, string transport) => socket.EmitAsync("upgraded", transport, socket.Transport));
        io.On("remember", (ISocket socket, string value) => { socket.Session["value"] = value; });
        io.On("recall", (ISocket socket) => socket.Session.TryGetValue("value", out var v) ? v as string : null);
        io.OnDisconnect((ISocket socket, string reason) => { DisconnectReasons[socket.Id] = reason; });

        // A handler that needs nothing of its socket, which fails; its namespace's error handler reads the socket.
        io.On("half", (int n) => n % 2 == 0 ? n / 2 : throw new ArgumentException("odd"), "/detached");
        io.OnError((socket, error, eventName) =>
        {
            DetachedErrors[socket.Id] = (eventName, TaskScheduler.Current != TaskScheduler.Default);
            return Task.CompletedTask;
        }, "/detached");

        io.OnConnect((JsonElement auth) =>
        {
            if (!auth.TryGetProperty("token", out var token) || token.GetString() != "ok")
                throw new ConnectionRefusedException("Not authorized", new { reason = "bad token" });
        }, "/private");
    }
}
