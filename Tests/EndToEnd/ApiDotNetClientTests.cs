using System.Text.Json;
using SocketIOClient.Transport;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The server API (test gateway <c>--profile api</c>, Tests/Hosts/TestHandlers/ApiHandlers.cs) with the NuGet
/// <c>SocketIOClient</c> 3.0.6, a C# client, several connections per test where rooms, users and
/// broadcasts need them.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class ApiDotNetClientTests(ApiServerFixture server) : IAsyncLifetime
{
    private readonly List<DotNetClient> _clients = [];
    // Names unique to this test: other tests share the server.
    private readonly string _run = "cs-" + Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync()
    {
        server.EnsureStarted();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients) await client.DisposeAsync();
    }

    private async Task<DotNetClient> Connect(string name, object? auth = null, string ns = "/", TransportProtocol transport = TransportProtocol.WebSocket)
    {
        var client = await DotNetClient.Connect(server.BaseUrl, name, transport, auth, ns);
        _clients.Add(client);
        if (ns == "/")
        {
            var welcome = await client.Next("welcome");
            Assert.Equal(client.Id, welcome.GetValue(0).GetProperty("id").GetString());
        }
        return client;
    }

    private static string Sorted(params string[] rooms) => DotNetClient.Json(rooms.Order(StringComparer.Ordinal).ToArray());

    [Theory]
    [InlineData(TransportProtocol.WebSocket)]
    [InlineData(TransportProtocol.Polling)]
    public async Task BinaryAndMultiArgumentEventsAndAcks(TransportProtocol transport)
    {
        var a = await Connect("A", transport: transport);

        var binary = await a.Call("binary", new byte[] { 0, 1, 2, 255 }, "lbl");
        Assert.Equal("lbl", DotNetClient.Text(binary, 0));
        Assert.Equal(new byte[] { 255, 2, 1, 0 }, binary.GetValue<byte[]>(1));
        Assert.Equal(4, binary.GetValue<int>(2));

        var multi = await a.Call("multi", 7, "b", new { c = new[] { 1, 2 } }, true);
        Assert.Equal(4, multi.Count);
        Assert.True(multi.GetValue<bool>(0));
        Assert.Equal("""{"c":[1,2]}""", multi.GetValue(1).GetRawText());
        Assert.Equal("b", DotNetClient.Text(multi, 2));
        Assert.Equal(7, multi.GetValue<int>(3));

        a.ListenBinary("multi_back");
        await a.Emit("emit_multi");
        var back = await a.Next("multi_back");
        Assert.Equal(1, back.GetValue<int>(0));
        Assert.Equal("two", DotNetClient.Text(back, 1));
        Assert.Equal("""{"three":3}""", back.GetValue(2).GetRawText());
        Assert.Equal(new byte[] { 4, 5, 6 }, back.GetValue<byte[]>(3));
    }

    [Fact]
    public async Task ServerEmitWithAckIsAnsweredOrTimesOut()
    {
        var a = await Connect("A");
        a.Socket.On("question", async response =>
        {
            var question = DotNetClient.Text(response, 0);
            if (!question.StartsWith("ignore", StringComparison.Ordinal)) await response.CallbackAsync("answer:" + question);
        });

        Assert.Equal("""{"answer":["answer:q1"]}""", await a.CallJson("ask_client", "q1", 3000));

        var error = (await a.Call("ask_client", "ignore me", 300)).GetValue(0).GetProperty("error").GetString();
        Assert.StartsWith("TimeoutException: ", error);
        Assert.Contains("did not acknowledge 'question' within 300 ms", error);
    }

    [Fact]
    public async Task RoomsToExceptAndServerTo()
    {
        var room = _run + "-room";
        var side = _run + "-side";
        var a = await Connect("A");
        var b = await Connect("B");
        var c = await Connect("C");
        var outsider = await Connect("O");
        foreach (var x in new[] { a, b, c })
            Assert.Equal(Sorted(x.Id, room), await x.CallJson("join", room));
        await b.Call("join", side);

        await a.Emit("to_room", room, "hi from A");
        bool Is(SocketIOClient.SocketIOResponse r, string text) => DotNetClient.Text(r, 1) == text;
        foreach (var x in new[] { b, c })
        {
            var msg = await x.Next("room_msg", r => Is(r, "hi from A"));
            Assert.Equal(room, DotNetClient.Text(msg, 0));
            Assert.Equal(a.Id, DotNetClient.Text(msg, 2));
        }
        await a.None("room_msg", "its own socket.To(room) emit", r => Is(r, "hi from A"));

        await a.Emit("server_to_room", room, "all of room");
        foreach (var x in new[] { a, b, c }) await x.Next("room_msg", r => Is(r, "all of room"));
        await outsider.None("room_msg", "a room emit although not in the room", r => Is(r, "all of room"));

        await a.Emit("to_room_except", room, side, "not side");
        foreach (var x in new[] { a, c }) await x.Next("room_msg", r => Is(r, "not side"));
        await a.Emit("to_room_except", room, c.Id, "not C");
        foreach (var x in new[] { a, b }) await x.Next("room_msg", r => Is(r, "not C"));
        await b.None("room_msg", "an emit that excepted its room", r => Is(r, "not side"));
        await c.None("room_msg", "an emit that excepted its id", r => Is(r, "not C"));
    }

    [Fact]
    public async Task BroadcastUsersAndOtherNamespace()
    {
        var userA = _run + "-userA";
        var a = await Connect("A", new { user = userA });
        var b = await Connect("B", new { user = userA });
        var c = await Connect("C", new { user = _run + "-userC" });
        var other = await Connect("O", ns: "/other");
        Assert.Equal(other.Id, DotNetClient.Text(await other.Next("hello_other"), 0));
        Assert.Equal(DotNetClient.Json(new { id = other.Id, ns = "/other" }), await other.CallJson("whoami"));

        await a.Emit("broadcast", "to everyone else");
        foreach (var x in new[] { b, c })
            Assert.Equal(a.Id, DotNetClient.Text(await x.Next("broadcast_msg", r => DotNetClient.Text(r, 0) == "to everyone else"), 1));
        await a.None("broadcast_msg", "its own broadcast", r => DotNetClient.Text(r, 0) == "to everyone else");
        await other.None("broadcast_msg", "a \"/\" broadcast on \"/other\"");

        await c.Emit("to_user", userA, "for user A");
        foreach (var x in new[] { a, b }) await x.Next("user_msg", r => DotNetClient.Text(r, 0) == "for user A");
        await Task.Delay(DotNetClient.Quiet);
        foreach (var x in new[] { a, b }) Assert.Equal(0, x.Count("user_msg"));
        await c.None("user_msg", "another user's message");

        await a.Emit("emit_other", "to /other");
        Assert.Equal("to /other", DotNetClient.Text(await other.Next("other_msg"), 0));
        await a.None("other_msg", "a \"/other\" emit on \"/\"");
    }

    [Fact]
    public async Task BroadcastAcksCollectTheAnswers()
    {
        var room = _run + "-room";
        var a = await Connect("A");
        var b = await Connect("B");
        var c = await Connect("C");
        foreach (var x in new[] { a, b, c }) await x.Call("join", room);
        foreach (var x in new[] { a, b })
        {
            var name = x.Name;
            x.Socket.On("poll", async r => await r.CallbackAsync($"{name}:{DotNetClient.Text(r, 0)}"));
        }
        c.Socket.On("poll", _ => { }); // C never answers

        // C never answers, so the call takes the whole timeout: long enough for A and B on a loaded machine.
        var result = (await a.Call("bcast_ack", room, 2000)).GetValue(0);
        Assert.Equal(3, result.GetProperty("targeted").GetInt32());
        Assert.False(result.GetProperty("allAnswered").GetBoolean());
        var answers = result.GetProperty("answers").Deserialize<Dictionary<string, string[]>>()!;
        Assert.Equal(new Dictionary<string, string[]> { [a.Id] = [$"A:{room}"], [b.Id] = [$"B:{room}"] }, answers);

        await b.Call("leave", room);
        var all = (await c.Call("bcast_ack", room, 2000)).GetValue(0);
        Assert.Equal(2, all.GetProperty("targeted").GetInt32());
        Assert.Single(all.GetProperty("answers").EnumerateObject());
    }

    [Fact]
    public async Task SendJsonVolatileAndCatchAll()
    {
        var a = await Connect("A");
        await a.Emit("send", new { x = 1 }, false);
        Assert.Equal("""{"x":1}""", (await a.Next("message")).GetValue(0).GetRawText());
        await a.Emit("send", "as json", true);
        Assert.Equal("as json", DotNetClient.Text(await a.Next("json"), 0));

        Assert.Equal("message:{\"m\":2}", (await a.Call("message", new { m = 2 })).GetValue<string>(0));
        Assert.Equal("""{"m":2}""", (await a.Next("message")).GetValue(0).GetRawText());
        Assert.Equal("json:{\"j\":[1]}", (await a.Call("json", new { j = new[] { 1 } })).GetValue<string>(0));
        Assert.Equal("""{"j":[1]}""", (await a.Next("json")).GetValue(0).GetRawText());

        Assert.Equal(5, (await a.Call("volatile", 5)).GetValue<int>(0));
        await a.Next("vol");
        await Task.Delay(100);
        Assert.InRange(1 + a.Count("vol"), 1, 5);

        Assert.Equal("""{"caught":"no_such_event","args":[1,"two"]}""", await a.CallJson("no_such_event", 1, "two"));
    }

    [Fact]
    public async Task RefusedConnectionsCarryMessageAndData()
    {
        foreach (var (ns, auth, message) in new[]
        {
            ("/", (object)new { refuse = "yes" }, "Refused by the connect handler"),
            ("/secure", new { token = "bad" }, "Not authorized"),
            ("/guarded", new { pass = "bad" }, "Refused by middleware"),
        })
        {
            var refused = DotNetClient.Create(server.BaseUrl, "refused " + ns, TransportProtocol.WebSocket, auth, ns);
            _clients.Add(refused);
            var error = await refused.ConnectOrError();
            Assert.True(error is not null, $"connected to {ns} although it should be refused");
            // SocketIOClient 3.0.6 reports a CONNECT_ERROR's message only (its data is dropped by the client).
            Assert.Equal(message, error);
            Assert.False(refused.Socket.Connected);
        }

        var secure = await Connect("S", new { token = "ok" }, "/secure");
        Assert.Equal(DotNetClient.Json(new { id = secure.Id, ns = "/secure" }), await secure.CallJson("whoami"));
        var guarded = await Connect("G", new { pass = "ok" }, "/guarded");
        Assert.Equal(DotNetClient.Json(new { id = guarded.Id, ns = "/guarded" }), await guarded.CallJson("whoami"));
    }

    [Fact]
    public async Task FetchSocketsCountRoomsSocketsJoinLeaveAndCloseRoom()
    {
        var room = _run + "-room";
        var side = _run + "-side";
        var extra = _run + "-extra";
        var user = _run + "-user";
        var a = await Connect("A", new { user });
        var b = await Connect("B");
        var w = await Connect("W");
        foreach (var x in new[] { a, b }) await x.Call("join", room);
        await b.Call("join", side);
        await a.Call("set_data", "color", "red");

        var fetched = (await w.Call("fetch", room)).GetValue(0).EnumerateArray().ToList();
        Assert.Equal(new[] { a.Id, b.Id }.Order(StringComparer.Ordinal), fetched.Select(s => s.GetProperty("id").GetString()));
        var fa = fetched.Single(s => s.GetProperty("id").GetString() == a.Id);
        Assert.Equal(Sorted(a.Id, room), fa.GetProperty("rooms").GetRawText());
        Assert.Equal(DotNetClient.Json(new { user }), fa.GetProperty("auth").GetRawText());
        Assert.Equal("A", fa.GetProperty("tag").GetString());
        Assert.Equal(user, fa.GetProperty("user").GetString());
        Assert.Equal("""{"color":"red"}""", fa.GetProperty("data").GetRawText());
        var fb = fetched.Single(s => s.GetProperty("id").GetString() == b.Id);
        Assert.Equal(Sorted(b.Id, room, side), fb.GetProperty("rooms").GetRawText());
        Assert.Equal(JsonValueKind.Null, fb.GetProperty("user").ValueKind);

        Assert.Equal(2, (await w.Call("count", room)).GetValue<int>(0));
        Assert.Equal(Sorted(b.Id, room, side), await w.CallJson("rooms_of", b.Id));

        await w.Call("sockets_join", room, extra);
        Assert.Equal(2, (await w.Call("count", extra)).GetValue<int>(0));
        Assert.Equal(Sorted(a.Id, room, extra), (await a.Call("whoami")).GetValue(0).GetProperty("rooms").GetRawText());
        await w.Call("sockets_leave", room, extra);
        Assert.Equal(0, (await w.Call("count", extra)).GetValue<int>(0));

        await w.Call("close_room", side);
        Assert.Equal(0, (await w.Call("count", side)).GetValue<int>(0));
        Assert.Equal(Sorted(b.Id, room), (await b.Call("whoami")).GetValue(0).GetProperty("rooms").GetRawText());
    }

    [Fact]
    public async Task DisconnectsAndTheDisconnectHandlersReason()
    {
        var doomed = _run + "-doomed";
        var w = await Connect("W");
        await w.Call("join", "watchers");
        var a = await Connect("A");
        var b = await Connect("B");
        var c = await Connect("C");
        var d = await Connect("D");
        var e = await Connect("E");
        var ids = new[] { a, b, c, d, e }.ToDictionary(x => x, x => x.Id); // read now: a disconnected client has no id
        async Task<string> Gone(DotNetClient x) => DotNetClient.Text(await w.Next("gone", r => DotNetClient.Text(r, 0) == ids[x]), 1);

        // one socket, by id
        await b.Emit("disconnect_socket", ids[c]);
        Assert.Equal("io server disconnect", await DotNetClient.WithTimeout(c.Disconnected, "C's disconnection"));
        Assert.Equal("server namespace disconnect", await Gone(c));

        // a socket disconnecting itself from its handler
        await a.Emit("disconnect_me");
        Assert.Equal("io server disconnect", await DotNetClient.WithTimeout(a.Disconnected, "A's disconnection"));
        Assert.Equal("server namespace disconnect", await Gone(a));

        // the client leaves
        await b.Socket.DisconnectAsync();
        Assert.Equal("client namespace disconnect", await Gone(b));

        // every socket of a room
        foreach (var x in new[] { d, e }) await x.Call("join", doomed);
        await w.Emit("disconnect_room", doomed);
        foreach (var x in new[] { d, e })
        {
            Assert.Equal("io server disconnect", await DotNetClient.WithTimeout(x.Disconnected, $"{x.Name}'s disconnection"));
            Assert.Equal("server namespace disconnect", await Gone(x));
        }
        Assert.Equal(0, (await w.Call("count", doomed)).GetValue<int>(0));
    }

    [Fact]
    public async Task HostedServiceEmitsPeriodically()
    {
        var w = await Connect("W", transport: TransportProtocol.Polling);
        await w.Call("join", "ticker");
        var first = (await w.Next("tick")).GetValue<int>(0);
        var second = (await w.Next("tick")).GetValue<int>(0);
        Assert.True(second > first, $"ticks not increasing: {first}, {second}");
    }
}
