using OrleansSocket.Testing;

namespace OrleansSocket.Tests.Testing;

/// <summary>
/// <see cref="SocketIOTestServer"/> running <see cref="ChatApp"/>: the test client against the real socket,
/// room, namespace and user grains and the per-gateway broadcast streams (two gateways), as a user's tests would.
/// </summary>
public sealed class SocketIOTestServerTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    private SocketIOTestServer Server => fixture.Server;

    /// <summary>A connected client of <paramref name="user"/>, its welcome already read.</summary>
    private async Task<SocketIOTestClient> Connect(string? user = null)
    {
        var client = await Server.ConnectAsync(new { token = "secret", user });
        Assert.True(client.IsConnected, client.ConnectError?.Message);
        Assert.Equal("welcome", Assert.Single(client.GetReceived()).Event);
        return client;
    }

    private static async Task<SocketIOTestClient[]> JoinAll(string room, params SocketIOTestClient[] clients)
    {
        foreach (var client in clients) await client.EmitAsync("join", room);
        return clients;
    }

    // ---------------- connect ----------------

    [Fact]
    public async Task Connect_with_auth_gets_the_connect_handlers_emit()
    {
        await using var client = await Server.ConnectAsync(auth: new { token = "secret" });

        Assert.True(client.IsConnected);
        Assert.Null(client.ConnectError);
        var welcome = Assert.Single(client.GetReceived());
        Assert.Equal("welcome", welcome.Event);
        Assert.Equal("/", welcome.Namespace);
        Assert.Equal(client.Id, welcome.Args[0].GetProperty("sid").GetString());
    }

    [Fact]
    public async Task Refused_connection_has_the_message_and_data()
    {
        var client = await Server.ConnectAsync(auth: new { token = "wrong" });

        Assert.False(client.IsConnected);
        Assert.Equal("Not authorized", client.ConnectError?.Message);
        Assert.Equal(401, client.ConnectError!.Data!.Value.GetProperty("code").GetInt32());
        Assert.Equal("wrong", client.ConnectError.Data.Value.GetProperty("token").GetString());
        Assert.Empty(client.GetReceived());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.EmitAsync("my event", new { data = "x" }));
        Assert.Contains("Not authorized", error.Message);
    }

    [Fact]
    public async Task Unknown_namespace_is_refused()
    {
        var client = await Server.ConnectAsync(new { token = "secret" }, ns: "/nope");

        Assert.False(client.IsConnected);
        Assert.Equal("Invalid namespace", client.ConnectError?.Message);
        Assert.Null(client.ConnectError?.Data);
    }

    [Fact]
    public async Task Handler_sees_the_handshake_headers_query_and_user()
    {
        await using var client = await Server.ConnectAsync(new { token = "secret", user = "carol" },
            headers: new Dictionary<string, string> { ["x-client"] = "tests" },
            query: new Dictionary<string, string> { ["room"] = "r1" });

        var me = (await client.EmitWithAckAsync("whoami")).Args[0];

        Assert.Equal(client.Id, me.GetProperty("id").GetString());
        Assert.Equal("carol", me.GetProperty("user").GetString());
        Assert.Equal("tests", me.GetProperty("header").GetString());
        Assert.Equal("r1", me.GetProperty("query").GetString());
    }

    // ---------------- events and acks ----------------

    [Fact]
    public async Task Emit_runs_the_handler_and_its_emit_is_received()
    {
        await using var client = await Connect();

        await client.EmitAsync("my event", new { data = "hi" });

        var response = Assert.Single(client.GetReceived());
        Assert.Equal("my response", response.Event);
        Assert.Equal("hi", response.Args[0].GetProperty("data").GetString());
        Assert.False(response.AckRequested);
    }

    [Fact]
    public async Task GetReceived_returns_each_event_once_in_order()
    {
        await using var client = await Connect();

        await client.EmitAsync("my event", new { data = "1" });
        await client.EmitAsync("my event", new { data = "2" });

        Assert.Equal(["1", "2"], client.GetReceived().Select(e => e.Arg<Message>(0)!.Data));
        Assert.Empty(client.GetReceived());
    }

    [Fact]
    public async Task Return_value_is_the_ack()
    {
        await using var client = await Connect();

        var ack = await client.EmitWithAckAsync("add", 2, 3);

        Assert.Equal(5, ack.Arg<int>(0));
    }

    [Fact]
    public async Task Ack_Many_acknowledges_with_several_arguments()
    {
        await using var client = await Connect();

        var ack = await client.EmitWithAckAsync("divmod", 17, 5);

        Assert.Equal(2, ack.Args.Length);
        Assert.Equal(3, ack.Arg<int>(0));
        Assert.Equal(2, ack.Arg<int>(1));
    }

    [Fact]
    public async Task Binary_argument_and_binary_ack()
    {
        await using var client = await Connect();

        var ack = await client.EmitWithAckAsync("reverse bytes", new byte[] { 1, 2, 3 });

        Assert.Equal(1, ack.Payload.AttachmentCount);
        Assert.Equal([3, 2, 1], ack.Arg<byte[]>(0));
    }

    [Fact]
    public async Task Binary_inside_a_received_object()
    {
        await using var client = await Connect();

        await client.EmitAsync("get file", "a.bin");

        var file = Assert.Single(client.GetReceived()).Arg<FileMessage>(0)!;
        Assert.Equal("a.bin", file.Name);
        Assert.Equal([1, 2, 3, 255], file.Data);
    }

    [Fact]
    public async Task Server_EmitWithAck_is_answered_by_OnServerAck()
    {
        await using var client = await Connect();
        client.OnServerAck = question => [$"because {question.Arg<string>(0)}"];

        var ack = await client.EmitWithAckAsync("ask", "why?");

        Assert.Equal("because why?", ack.Arg<string>(0));
        var question = Assert.Single(client.GetReceived());
        Assert.Equal("question", question.Event);
        Assert.True(question.AckRequested);
    }

    [Fact]
    public async Task Server_ack_without_arguments_reads_as_null()
    {
        await using var client = await Connect(); // default OnServerAck: ack with no arguments

        var ack = await client.EmitWithAckAsync("ask", "anything?");

        Assert.Null(ack.Arg<string>(0));
    }

    [Fact]
    public async Task Catch_all_handles_events_without_a_handler()
    {
        await using var client = await Connect();

        var ack = await client.EmitWithAckAsync("no such event", 1, "two");

        Assert.Equal("no such event", ack.Args[0].GetProperty("caught").GetString());
        Assert.Equal(2, ack.Args[0].GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Failing_handler_sends_no_ack_and_reaches_the_error_handler()
    {
        await using var client = await Connect();

        await Assert.ThrowsAsync<TimeoutException>(() => client.EmitWithAckAsync("fail"));

        Assert.Contains(fixture.Log.Errors, e => e.Socket == client.Id && e.Event == "fail" && e.Error == "boom");
    }

    [Fact]
    public async Task Reserved_event_names_cannot_be_emitted()
    {
        await using var client = await Connect();

        await Assert.ThrowsAsync<ArgumentException>(() => client.EmitAsync("disconnect"));
    }

    [Fact]
    public async Task Session_data_lives_with_the_socket()
    {
        await using var client = await Connect();
        await using var other = await Connect();

        await client.EmitAsync("remember", "kept");

        Assert.Equal("kept", (await client.EmitWithAckAsync("recall")).Arg<string>(0));
        Assert.Null((await other.EmitWithAckAsync("recall")).Arg<string>(0));
    }

    // ---------------- rooms, users, namespaces ----------------

    [Fact]
    public async Task To_room_reaches_the_other_members_only()
    {
        await using var a = await Connect();
        await using var b = await Connect();
        await using var outsider = await Connect();
        await JoinAll("say-room", a, b);

        await a.EmitAsync("say", "say-room", "hello");

        var said = Assert.Single(b.GetReceived());
        Assert.Equal("said", said.Event);
        Assert.Equal(a.Id, said.Args[0].GetProperty("from").GetString());
        Assert.Equal("hello", said.Args[0].GetProperty("text").GetString());
        Assert.Empty(a.GetReceived());
        Assert.Empty(outsider.GetReceived());
    }

    [Fact]
    public async Task Server_To_room_includes_the_sender()
    {
        await using var a = await Connect();
        await using var b = await Connect();
        await using var outsider = await Connect();
        await JoinAll("announce-room", a, b);

        await a.EmitAsync("announce", "announce-room", "news");

        Assert.Equal("news", Assert.Single(a.GetReceived()).Arg<string>(0));
        Assert.Equal("news", Assert.Single(b.GetReceived()).Arg<string>(0));
        Assert.Empty(outsider.GetReceived());
    }

    [Fact]
    public async Task Left_room_no_longer_receives()
    {
        await using var a = await Connect();
        await using var b = await Connect();
        await JoinAll("leave-room", a, b);

        await b.EmitAsync("leave", "leave-room");
        await a.EmitAsync("announce", "leave-room", "still there?");

        Assert.Single(a.GetReceived());
        Assert.Empty(b.GetReceived());
    }

    [Fact]
    public async Task Except_leaves_out_members_of_another_room()
    {
        await using var a = await Connect();
        await using var b = await Connect();
        await using var muted = await Connect();
        await JoinAll("team", a, b, muted);
        await muted.EmitAsync("join", "muted");

        await a.EmitAsync("say except", "team", "muted", "psst");

        Assert.Single(a.GetReceived());
        Assert.Single(b.GetReceived());
        Assert.Empty(muted.GetReceived());
    }

    [Fact]
    public async Task Broadcast_reaches_every_other_socket_of_the_namespace_only()
    {
        await using var a = await Connect();
        await using var b = await Connect();
        var admin = await b.ConnectNamespaceAsync("/admin", new { role = "admin" });

        await a.EmitAsync("shout", "hey all");

        Assert.Equal("hey all", Assert.Single(b.GetReceived()).Arg<string>(0));
        Assert.Empty(a.GetReceived());
        Assert.Empty(admin.GetReceived());
    }

    [Fact]
    public async Task ToUser_reaches_every_socket_of_the_user_across_gateways()
    {
        await using var alicePhone = await Connect("alice-dm");
        await using var aliceLaptop = await Connect("alice-dm");
        await using var bob = await Connect("bob-dm");
        Assert.NotEqual(alicePhone.GatewayId, aliceLaptop.GatewayId);

        await bob.EmitAsync("dm", "alice-dm", "hi alice");

        foreach (var alice in new[] { alicePhone, aliceLaptop })
        {
            var dm = Assert.Single(alice.GetReceived());
            Assert.Equal("bob-dm", dm.Args[0].GetProperty("from").GetString());
            Assert.Equal("hi alice", dm.Args[0].GetProperty("text").GetString());
        }
        Assert.Empty(bob.GetReceived());
    }

    [Fact]
    public async Task Namespaces_share_one_connection_and_keep_their_events_apart()
    {
        await using var main = await Connect();
        var admin = await main.ConnectNamespaceAsync("/admin", new { role = "admin" });

        Assert.True(admin.IsConnected);
        Assert.Equal("/admin", admin.Namespace);
        Assert.NotEqual(main.Id, admin.Id);
        Assert.Equal(main.GatewayId, admin.GatewayId);
        Assert.Equal("all good", (await admin.EmitWithAckAsync("status")).Arg<string>(0));

        await main.EmitAsync("notify admins", "deploy at 5");

        var notice = Assert.Single(admin.GetReceived());
        Assert.Equal(("/admin", "notice", "deploy at 5"), (notice.Namespace, notice.Event, notice.Arg<string>(0)));
        Assert.Empty(main.GetReceived());
    }

    [Fact]
    public async Task Namespace_connect_can_be_refused_while_the_main_namespace_stays()
    {
        await using var main = await Connect();

        var admin = await main.ConnectNamespaceAsync("/admin", new { role = "user" });

        Assert.False(admin.IsConnected);
        Assert.Equal("Admins only", admin.ConnectError?.Message);
        Assert.Equal("admin", admin.ConnectError?.Data?.GetProperty("required").GetString());
        Assert.True(main.IsConnected);
        Assert.Equal(5, (await main.EmitWithAckAsync("add", 2, 3)).Arg<int>(0));
    }

    // ---------------- broadcast acks ----------------

    [Fact]
    public async Task Broadcast_acks_are_collected_from_every_gateway()
    {
        await using var a = await Connect();
        await using var b = await Connect();
        await using var c = await Connect();
        await JoinAll("poll-room", a, b, c);
        a.OnServerAck = _ => ["yes"];
        b.OnServerAck = _ => ["no"];
        c.OnServerAck = _ => ["yes"];

        var result = (await a.EmitWithAckAsync("poll", "poll-room", 5000)).Args[0];

        Assert.Equal(3, result.GetProperty("targeted").GetInt32());
        Assert.True(result.GetProperty("allAnswered").GetBoolean());
        Assert.Equal(["no", "yes", "yes"], result.GetProperty("votes").EnumerateArray().Select(v => v.GetString()));
        foreach (var client in new[] { a, b, c })
            Assert.True(Assert.Single(client.GetReceived()).AckRequested);
    }

    [Fact]
    public async Task Broadcast_ack_of_a_client_that_does_not_answer_is_missing()
    {
        await using var a = await Connect();
        await using var silent = await Connect();
        await JoinAll("poll-room-2", a, silent);
        a.OnServerAck = _ => ["yes"];
        silent.OnServerAck = _ => null;

        var result = (await a.EmitWithAckAsync("poll", "poll-room-2", 300)).Args[0];

        Assert.Equal(2, result.GetProperty("targeted").GetInt32());
        Assert.False(result.GetProperty("allAnswered").GetBoolean());
        Assert.Equal(["yes"], result.GetProperty("votes").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task Broadcast_ack_without_arguments_counts_as_an_answer()
    {
        await using var a = await Connect();
        await using var quiet = await Connect(); // default OnServerAck: ack with no arguments
        await JoinAll("poll-room-3", a, quiet);
        a.OnServerAck = _ => ["yes"];

        var result = (await a.EmitWithAckAsync("poll", "poll-room-3", 5000)).Args[0];

        Assert.True(result.GetProperty("allAnswered").GetBoolean());
        Assert.Equal([null, "yes"], result.GetProperty("votes").EnumerateArray().Select(v => v.GetString()));
    }

    // ---------------- disconnect ----------------

    [Fact]
    public async Task Client_disconnect_runs_the_disconnect_handler_with_its_reason()
    {
        var client = await Connect();

        await client.DisconnectAsync();

        Assert.False(client.IsConnected);
        Assert.Equal("io client disconnect", client.DisconnectReason);
        Assert.Equal("client namespace disconnect", fixture.Log.DisconnectReasons[client.Id]);
        Assert.Equal(0, await Server.SocketIO.To(client.Id).CountAsync());
    }

    [Fact]
    public async Task Closed_connection_disconnects_every_namespace_with_transport_close()
    {
        var main = await Connect();
        var admin = await main.ConnectNamespaceAsync("/admin", new { role = "admin" });

        await main.CloseAsync();

        Assert.Equal("transport close", fixture.Log.DisconnectReasons[main.Id]);
        Assert.Equal("transport close", fixture.Log.DisconnectReasons[admin.Id]);
        Assert.False(admin.IsConnected);
        Assert.Equal("transport close", admin.DisconnectReason);
    }

    [Fact]
    public async Task Server_can_disconnect_other_sockets()
    {
        await using var a = await Connect();
        var b = await Connect();
        await JoinAll("kick-room", a, b);

        await a.EmitAsync("kick room", "kick-room");

        Assert.False(b.IsConnected);
        Assert.Equal("io server disconnect", b.DisconnectReason);
        Assert.Equal("server namespace disconnect", fixture.Log.DisconnectReasons[b.Id]);
        Assert.True(a.IsConnected);
        await a.EmitAsync("announce", "kick-room", "anyone?");
        Assert.Single(a.GetReceived());
        Assert.Empty(b.GetReceived());
    }

    [Fact]
    public async Task Disconnect_with_closeConnection_ends_the_other_namespaces_too()
    {
        var main = await Connect();
        var admin = await main.ConnectNamespaceAsync("/admin", new { role = "admin" });

        await main.EmitAsync("quit", true);

        Assert.Equal("io server disconnect", main.DisconnectReason);
        Assert.Equal("server namespace disconnect", fixture.Log.DisconnectReasons[main.Id]);
        Assert.Equal("transport close", admin.DisconnectReason);
        Assert.Equal("forced close", fixture.Log.DisconnectReasons[admin.Id]);
    }

    // ---------------- from outside the handlers ----------------

    [Fact]
    public async Task SocketIO_emits_from_test_code_and_FlushAsync_delivers()
    {
        await using var a = await Connect();
        await using var b = await Connect();
        await JoinAll("outside-room", a, b);

        await Server.SocketIO.To("outside-room").Except(b.Id).EmitAsync("from outside", 42);
        await Server.FlushAsync();

        Assert.Equal(42, Assert.Single(a.GetReceived()).Arg<int>(0));
        Assert.Empty(b.GetReceived());
        var members = await Server.SocketIO.In("outside-room").FetchSocketsAsync();
        Assert.Equal(new[] { a.Id, b.Id }.Order(), members.Select(s => s.Id).Order());
    }

    [Fact]
    public async Task SocketIO_Of_adds_a_missing_leading_slash()
    {
        await using var main = await Connect();
        var admin = await main.ConnectNamespaceAsync("/admin", new { role = "admin" });

        await Server.SocketIO.Of("admin").To(admin.Id).EmitAsync("notice", "hello admin");
        await Server.FlushAsync();

        Assert.Equal("hello admin", Assert.Single(admin.GetReceived()).Arg<string>(0));
    }

    [Fact]
    public async Task SocketsJoin_and_CloseRoom_from_test_code()
    {
        await using var a = await Connect();
        await using var b = await Connect();

        await Server.SocketIO.In(a.Id, b.Id).SocketsJoinAsync("joined-from-outside");
        await a.EmitAsync("announce", "joined-from-outside", "first");
        await Server.SocketIO.CloseRoomAsync("joined-from-outside");
        await a.EmitAsync("announce", "joined-from-outside", "second");

        Assert.Equal(["first"], a.GetReceived().Select(e => e.Arg<string>(0)));
        Assert.Equal(["first"], b.GetReceived().Select(e => e.Arg<string>(0)));
        Assert.DoesNotContain("joined-from-outside", await Server.SocketIO.RoomsAsync(b.Id));
    }

    [Fact]
    public async Task WaitForAsync_takes_an_event_that_arrives_later()
    {
        await using var client = await Connect();

        var waiting = client.WaitForAsync("later");
        await Server.SocketIO.To(client.Id).EmitAsync("unrelated");
        await Server.SocketIO.To(client.Id).EmitAsync("later", "done");

        Assert.Equal("done", (await waiting).Arg<string>(0));
        Assert.Equal("unrelated", Assert.Single(client.GetReceived()).Event);
        await Assert.ThrowsAsync<TimeoutException>(() => client.WaitForAsync("never", TimeSpan.FromMilliseconds(100)));
    }
}
