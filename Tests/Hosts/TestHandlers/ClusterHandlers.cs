using System.Text.Json;

namespace OrleansSocket.TestHosts;

/// <summary>
/// <c>--profile cluster</c>: what the multi-process tests (Tests/EndToEnd/MultiProcess) exercise across silos and gateways —
/// users, rooms, room broadcasts, acks both ways, user-addressed emits, cluster-wide fetch and count, and
/// per-socket order. Every handler acknowledges, so a client knows when its effect is in place.
/// </summary>
public static class ClusterHandlers
{
    public const string Profile = "cluster";

    /// <summary>A second namespace, with <c>join</c> only.</summary>
    public const string LivenessNamespace = "/liveness";

    public static void Register(ISocketIOBuilder io)
    {
        // auth { user: "..." } names the socket's user.
        io.OnConnect((ISocket socket, JsonElement auth) =>
        {
            if (auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.String)
                socket.UserId = user.GetString();
        });

        io.On("join", async (ISocket socket, string room) =>
        {
            await socket.JoinAsync(room);
            return true;
        });

        // A namespace only the gateway-liveness test uses: no gateway has reported it in a heartbeat before.
        io.On("join", async (ISocket socket, string room) =>
        {
            await socket.JoinAsync(room);
            return true;
        }, LivenessNamespace);

        // Every member of the room, the sender included, gets `room-msg`.
        io.On("room-say", async (ISocket socket, string room, JsonElement message) =>
        {
            await socket.Server.To(room).EmitAsync("room-msg", message);
            return true;
        });

        io.On("user-say", async (ISocket socket, string user, JsonElement message) =>
        {
            await socket.Server.ToUser(user).EmitAsync("user-msg", message);
            return true;
        });

        // A server emit with ack to this socket, from the handler in its silo: answers with the client's ack.
        io.On("ask-me", async (ISocket socket, string question) =>
        {
            var answer = await socket.EmitWithAckAsync("question", TimeSpan.FromSeconds(5), question);
            return answer.Args[0];
        });

        // A broadcast with acks to other sockets (any gateway): answers with their acks by socket id.
        io.On("ask-room", async (ISocket socket, string room, string question) =>
        {
            var acks = await socket.Server.To(room).Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync("question", question);
            return new { acks.Targeted, acks.AllAnswered, answers = acks.BySocket.ToDictionary(kv => kv.Key, kv => kv.Value.Args[0]) };
        });

        io.On("fetch", async (ISocket socket, string? room) =>
        {
            var target = string.IsNullOrEmpty(room) ? socket.Server.Of(socket.Namespace) : socket.Server.Of(socket.Namespace).In(room);
            var sockets = await target.FetchSocketsAsync();
            return sockets.Select(s => new { id = s.Id, gateway = s.GatewayId, user = s.UserId, rooms = s.Rooms }).ToArray();
        });

        io.On("count", async (ISocket socket, string? room) =>
            string.IsNullOrEmpty(room) ? await socket.Server.Of(socket.Namespace).CountAsync() : await socket.Server.Of(socket.Namespace).In(room).CountAsync());

        io.On("whoami", (ISocket socket) => new { id = socket.Id, user = socket.UserId, rooms = socket.Rooms });

        // Per-socket order: `seq` n = 0, 1, 2, … ; `seq-report` answers what arrived out of order.
        io.On("seq", (ISocket socket, long n) =>
        {
            var next = socket.Session.TryGetValue("seq.next", out var v) && v is long l ? l : 0;
            if (n != next)
            {
                socket.Session["seq.errors"] = (socket.Session.TryGetValue("seq.errors", out var e) && e is long c ? c : 0) + 1;
                socket.Session.TryAdd("seq.first", $"expected {next}, got {n}");
            }
            socket.Session["seq.next"] = n + 1;
            socket.Session["seq.count"] = (socket.Session.TryGetValue("seq.count", out var k) && k is long m ? m : 0) + 1;
        });
        io.On("seq-report", (ISocket socket) => new
        {
            count = socket.Session.TryGetValue("seq.count", out var k) ? k : 0L,
            errors = socket.Session.TryGetValue("seq.errors", out var e) ? e : 0L,
            first = socket.Session.TryGetValue("seq.first", out var f) ? f : null,
        });
    }
}
