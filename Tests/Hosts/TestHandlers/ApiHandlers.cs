using System.Text.Json;

namespace OrleansSocket.TestHosts;

/// <summary>
/// The <c>api</c> test profile: every server API feature exposed to clients through events, so the
/// end-to-end tests drive it with real clients (Tests/clients/api-client.js, python_api_client.py,
/// Tests/EndToEnd/ApiDotNetClientTests.cs). Written with the public API only, run in grains.
/// </summary>
/// <remarks>
/// <para>Connect to <c>/</c>: auth (or, for socket.io 2.x clients, the connection query) <c>user</c> sets
/// <see cref="ISocket.UserId"/>; <c>refuse</c> refuses with message <c>"Refused by the connect handler"</c>
/// and data <c>{ reason: refuse }</c>; on connect the socket gets <c>welcome</c> <c>{ id, user }</c>.
/// The disconnect handler emits <c>gone</c> (id, reason) to room <c>watchers</c>; the upgrade handler emits
/// <c>upgraded</c> (transport) to the socket whose connection upgraded.</para>
/// <para>Events of <c>/</c> (args → what the server does; "ack" is the acknowledgement):</para>
/// <list type="table">
/// <item><term>binary (bytes, label)</term><description>ack (label, bytes reversed, length): binary arguments</description></item>
/// <item><term>multi (int a, string b, object c, bool d)</term><description>ack (d, c, b, a): several ack arguments</description></item>
/// <item><term>emit_multi</term><description>emits <c>multi_back</c> (1, "two", {three: 3}, bytes [4,5,6]) to the caller</description></item>
/// <item><term>nested_binary (room)</term><description><c>Server.To(room)</c>: <c>nested</c> ({ file: bytes [7,8,9], meta: { inner: bytes [1] } }); ack true</description></item>
/// <item><term>ask_binary (timeoutMs)</term><description><c>socket.EmitWithAckAsync("question_bin", { file: bytes [7,8,9] })</c>: ack { answer: [ack args] }</description></item>
/// <item><term>transport</term><description>ack { transport, fetched, handshake }: <see cref="ISocket.Transport"/>, the transport <c>FetchSockets</c> reports for the caller, and the one at connect</description></item>
/// <item><term>whoami</term><description>ack { id, user, rooms }</description></item>
/// <item><term>join (room) / leave (room)</term><description>ack the caller's rooms, sorted</description></item>
/// <item><term>to_room (room, msg)</term><description><c>socket.To(room)</c>: <c>room_msg</c> (room, msg, sender) to the room, sender excluded</description></item>
/// <item><term>server_to_room (room, msg)</term><description><c>Server.To(room)</c>: same, sender included</description></item>
/// <item><term>to_room_except (room, except, msg)</term><description><c>Server.To(room).Except(except)</c></description></item>
/// <item><term>broadcast (msg)</term><description><c>socket.Broadcast</c>: <c>broadcast_msg</c> (msg, sender) to every other socket of <c>/</c></description></item>
/// <item><term>to_user (user, msg)</term><description><c>Server.ToUser(user)</c>: <c>user_msg</c> (msg) to each of the user's sockets once</description></item>
/// <item><term>emit_other (msg)</term><description><c>Server.Of("/other")</c>: <c>other_msg</c> (msg) to every socket of <c>/other</c></description></item>
/// <item><term>volatile (n)</term><description><c>Server.To(caller).Volatile</c>: <c>vol</c> (i) n times, 20 ms apart; ack n</description></item>
/// <item><term>ask_client (question, timeoutMs)</term><description><c>socket.EmitWithAckAsync("question", ...)</c>: ack { answer: [ack args] },
/// or { error: "ExceptionType: message" } when the client did not answer in time</description></item>
/// <item><term>keep_ack (key)</term><description>takes an <see cref="IAck"/> and keeps it in the session under key: no ack now</description></item>
/// <item><term>release_ack (key, value)</term><description>answers the ack kept under key with value (from this other handler); ack true, or false when none is kept</description></item>
/// <item><term>decline_ack</term><description>takes an <see cref="IAck"/> and never answers</description></item>
/// <item><term>bcast_ack (room, timeoutMs)</term><description><c>Server.To(room).Timeout(t).EmitWithAckAsync("poll", room)</c>:
/// ack { targeted, allAnswered, answers: { socketId: [ack args] } }</description></item>
/// <item><term>send (data, json)</term><description><c>socket.SendAsync(data, json)</c>: a <c>message</c> (or <c>json</c>) event back</description></item>
/// <item><term>message (data) / json (data)</term><description>client <c>send</c>: answered with <c>SendAsync(data)</c> /
/// <c>SendAsync(data, json: true)</c>, acked with "message:"/"json:" + the data's JSON</description></item>
/// <item><term>set_data (key, value)</term><description>stores <see cref="ISocket.Session"/>[key] (shown by fetch)</description></item>
/// <item><term>fetch (room)</term><description><c>Server.In(room).FetchSocketsAsync()</c>: ack [{ id, rooms, auth, tag, user, data }] sorted by id
/// (tag: the connection query's <c>tag</c>)</description></item>
/// <item><term>count (room)</term><description><c>Server.In(room).CountAsync()</c></description></item>
/// <item><term>rooms_of (socketId)</term><description><c>Server.Rooms(id)</c>, sorted</description></item>
/// <item><term>sockets_join (room, newRoom) / sockets_leave (room, oldRoom)</term><description><c>Server.In(room).SocketsJoin/SocketsLeave</c></description></item>
/// <item><term>close_room (room)</term><description><c>Server.CloseRoomAsync(room)</c></description></item>
/// <item><term>disconnect_room (room)</term><description><c>Server.In(room).DisconnectSocketsAsync()</c></description></item>
/// <item><term>disconnect_socket (socketId)</term><description><c>Server.In(id).DisconnectSocketsAsync()</c>: one socket</description></item>
/// <item><term>disconnect_me</term><description><c>socket.DisconnectAsync()</c> (no ack: the socket is gone)</description></item>
/// <item><term>anything else</term><description>catch-all (<c>io.OnAny</c>): ack { caught: event, args }</description></item>
/// </list>
/// <para><c>/other</c>: connect emits <c>hello_other</c> (id); <c>whoami</c> acks { id, ns }.
/// <c>/secure</c>: the connect handler refuses unless auth <c>token</c> is <c>"ok"</c>
/// ("Not authorized", { code: 4001 }). <c>/guarded</c>: connection middleware refuses unless auth
/// <c>pass</c> is <c>"ok"</c> ("Refused by middleware", { by: "middleware" }); <c>whoami</c> acks { id, ns }.</para>
/// <para>With this profile the test gateway also runs <see cref="PeriodicTicker"/>: <c>tick</c> (n) to room <c>ticker</c>
/// every 200 ms, from a hosted service through the injected <see cref="ISocketIO"/>.</para>
/// </remarks>
public static class ApiHandlers
{
    public static void Register(ISocketIOBuilder io)
    {
        io.OnConnect(async (ISocket socket, JsonElement auth) =>
        {
            // socket.io 2.x clients send no auth for "/": their connection query stands in.
            string? Setting(string name) => Text(auth, name) ?? socket.Handshake.Query.GetValueOrDefault(name);
            if (Setting("refuse") is { } refuse)
                throw new ConnectionRefusedException("Refused by the connect handler", new { reason = refuse });
            socket.UserId = Setting("user");
            await socket.EmitAsync("welcome", new { id = socket.Id, user = socket.UserId });
        });
        io.OnDisconnect((ISocket socket, string reason) => socket.Server.To("watchers").EmitAsync("gone", socket.Id, reason));
        io.OnUpgrade((ISocket socket, string transport) => socket.EmitAsync("upgraded", transport));

        // Arguments and acks
        io.On("binary", (byte[] data, string label) => Ack.Many(label, data.Reverse().ToArray(), data.Length));
        io.On("multi", (int a, string b, JsonElement c, bool d) => Ack.Many(d, c, b, a));
        io.On("emit_multi", (ISocket socket) => socket.EmitAsync("multi_back", 1, "two", new { three = 3 }, new byte[] { 4, 5, 6 }));
        io.On("nested_binary", async (ISocket socket, string room) =>
        {
            await socket.Server.To(room).EmitAsync("nested", new { file = new byte[] { 7, 8, 9 }, meta = new { inner = new byte[] { 1 } } });
            return true;
        });
        io.On("ask_binary", async (ISocket socket, int timeoutMs) =>
            new { answer = (await socket.EmitWithAckAsync("question_bin", TimeSpan.FromMilliseconds(timeoutMs), new { file = new byte[] { 7, 8, 9 } })).Args });
        io.On("transport", async (ISocket socket) =>
            new { transport = socket.Transport, fetched = (await socket.Server.In(socket.Id).FetchSocketsAsync()).Single().Transport, handshake = socket.Handshake.Transport });
        io.On("whoami", (ISocket socket) => new { id = socket.Id, user = socket.UserId, rooms = Sorted(socket.Rooms) });
        io.On("ask_client", async (ISocket socket, string question, int timeoutMs) =>
        {
            try
            {
                var ack = await socket.EmitWithAckAsync("question", TimeSpan.FromMilliseconds(timeoutMs), question);
                return (object)new { answer = ack.Args };
            }
            catch (Exception e)
            {
                return new { error = $"{e.GetType().Name}: {e.Message}" };
            }
        });
        io.On("keep_ack", (ISocket socket, IAck ack, string key) => { socket.Session["ack:" + key] = ack; });
        io.On("release_ack", async (ISocket socket, string key, JsonElement value) =>
        {
            if (!socket.Session.TryGetValue("ack:" + key, out var kept) || kept is not IAck ack) return false;
            socket.Session.Remove("ack:" + key);
            await ack.SendAsync(value);
            return true;
        });
        io.On("decline_ack", (IAck ack) => { });
        io.On("bcast_ack", async (ISocket socket, string room, int timeoutMs) =>
        {
            var acks = await socket.Server.To(room).Timeout(TimeSpan.FromMilliseconds(timeoutMs)).EmitWithAckAsync("poll", room);
            return new
            {
                targeted = acks.Targeted,
                allAnswered = acks.AllAnswered,
                answers = acks.BySocket.ToDictionary(kv => kv.Key, kv => kv.Value.Args),
            };
        });

        // Rooms, broadcasts, users, namespaces
        io.On("join", async (ISocket socket, string room) =>
        {
            await socket.JoinAsync(room);
            return Sorted(socket.Rooms);
        });
        io.On("leave", async (ISocket socket, string room) =>
        {
            await socket.LeaveAsync(room);
            return Sorted(socket.Rooms);
        });
        io.On("to_room", (ISocket socket, string room, JsonElement msg) => socket.To(room).EmitAsync("room_msg", room, msg, socket.Id));
        io.On("server_to_room", (ISocket socket, string room, JsonElement msg) => socket.Server.To(room).EmitAsync("room_msg", room, msg, socket.Id));
        io.On("to_room_except", (ISocket socket, string room, string except, JsonElement msg) =>
            socket.Server.To(room).Except(except).EmitAsync("room_msg", room, msg, socket.Id));
        io.On("broadcast", (ISocket socket, JsonElement msg) => socket.Broadcast.EmitAsync("broadcast_msg", msg, socket.Id));
        io.On("to_user", (ISocket socket, string user, JsonElement msg) => socket.Server.ToUser(user).EmitAsync("user_msg", msg));
        io.On("emit_other", (ISocket socket, JsonElement msg) => socket.Server.Of("/other").EmitAsync("other_msg", msg));
        io.On("volatile", async (ISocket socket, int n) =>
        {
            for (var i = 0; i < n; i++)
            {
                await socket.Server.To(socket.Id).Volatile.EmitAsync("vol", i);
                await Task.Delay(20);
            }
            return n;
        });

        // Flask-SocketIO's send: both directions
        io.On("send", (ISocket socket, JsonElement data, bool json) => socket.SendAsync(data, json));
        io.On("message", async (ISocket socket, JsonElement data) =>
        {
            await socket.SendAsync(data);
            return "message:" + data.GetRawText();
        });
        io.On("json", async (ISocket socket, JsonElement data) =>
        {
            await socket.SendAsync(data, json: true);
            return "json:" + data.GetRawText();
        });

        // Cluster-wide utilities
        io.On("set_data", (ISocket socket, string key, JsonElement value) => { socket.Session[key] = value; });
        io.On("fetch", async (ISocket socket, string room) =>
        {
            var sockets = await socket.Server.In(room).FetchSocketsAsync();
            return sockets.OrderBy(s => s.Id, StringComparer.Ordinal).Select(s => new
            {
                id = s.Id,
                rooms = Sorted(s.Rooms),
                auth = JsonDocument.Parse(s.Handshake.AuthJson).RootElement,
                tag = s.Handshake.Query.GetValueOrDefault("tag"),
                user = s.UserId,
                data = JsonDocument.Parse(s.DataJson).RootElement,
            }).ToList();
        });
        io.On("count", (ISocket socket, string room) => socket.Server.In(room).CountAsync());
        io.On("rooms_of", async (ISocket socket, string id) => Sorted(await socket.Server.RoomsAsync(id)));
        io.On("sockets_join", (ISocket socket, string room, string newRoom) => socket.Server.In(room).SocketsJoinAsync(newRoom));
        io.On("sockets_leave", (ISocket socket, string room, string oldRoom) => socket.Server.In(room).SocketsLeaveAsync(oldRoom));
        io.On("close_room", (ISocket socket, string room) => socket.Server.CloseRoomAsync(room));
        io.On("disconnect_room", (ISocket socket, string room) => socket.Server.In(room).DisconnectSocketsAsync());
        io.On("disconnect_socket", (ISocket socket, string id) => socket.Server.In(id).DisconnectSocketsAsync());
        io.On("disconnect_me", (ISocket socket) => socket.DisconnectAsync());

        // Catch-all: events without a handler of their own
        Func<ISocket, string, JsonElement[], Task<object?>> catchAll = (_, eventName, args) =>
            Task.FromResult<object?>(new { caught = eventName, args });
        io.OnAny(catchAll);

        // Another namespace
        io.OnConnect((ISocket socket) => socket.EmitAsync("hello_other", socket.Id), "/other");
        io.On("whoami", (ISocket socket) => new { id = socket.Id, ns = socket.Namespace }, "/other");

        // Refusals: connect handler and middleware
        io.OnConnect((JsonElement auth) =>
        {
            if (Text(auth, "token") != "ok")
                throw new ConnectionRefusedException("Not authorized", new { code = 4001 });
        }, "/secure");
        io.On("whoami", (ISocket socket) => new { id = socket.Id, ns = socket.Namespace }, "/secure");
        io.Use(async (socket, next) =>
        {
            using var auth = JsonDocument.Parse(socket.Handshake.AuthJson);
            if (Text(auth.RootElement, "pass") != "ok")
                throw new ConnectionRefusedException("Refused by middleware", new { by = "middleware" });
            await next();
        }, "/guarded");
        io.On("whoami", (ISocket socket) => new { id = socket.Id, ns = socket.Namespace }, "/guarded");
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string[] Sorted(IEnumerable<string> rooms) => [.. rooms.Order(StringComparer.Ordinal)];
}
