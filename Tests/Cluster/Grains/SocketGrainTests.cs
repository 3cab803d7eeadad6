using System.Text;

namespace OrleansSocket.Tests.Grains;

/// <summary>The socket grain in a real Orleans cluster: connect, events in order, acks both ways, disconnect.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SocketGrainTests(ClusterFixture fixture)
{
    private readonly RecordingGateway _gateway = new();

    private static HandshakeInfo Handshake(string auth = "{}") => new()
    {
        Headers = new Dictionary<string, string> { ["user-agent"] = "test" },
        Query = new Dictionary<string, string> { ["EIO"] = "4" },
        AuthJson = Encoding.UTF8.GetBytes(auth),
        EngineIOVersion = 4,
        Transport = "websocket",
    };

    private async Task<(ISocketGrain Grain, string Id, ConnectResult Result)> ConnectAsync(string ns = "/", string auth = "{}",
        string transport = "websocket")
    {
        var id = Guid.NewGuid().ToString("N");
        var grain = fixture.Client.GetGrain<ISocketGrain>(id);
        var observer = fixture.Client.CreateObjectReference<IGatewayObserver>(_gateway);
        var result = await grain.Connect(new SocketConnectRequest(ns, "gw-test", observer, Handshake(auth) with { Transport = transport }));
        return (grain, id, result);
    }

    private static long _nextAckId;

    private static ClientEvent Event(string name, string argsJson, bool wantsAck = true) =>
        new(name, new SocketPayload(Encoding.UTF8.GetBytes(argsJson)), wantsAck)
        {
            AckId = wantsAck ? Interlocked.Increment(ref _nextAckId) : null,
        };

    [Fact]
    public async Task Connect_handler_emits_before_the_connect_returns()
    {
        var (_, id, result) = await ConnectAsync();
        Assert.True(result.Accepted);
        var (socket, packet) = Assert.Single(_gateway.Sent);
        Assert.Equal(id, socket);
        Assert.Equal("welcome", packet.Event);
        Assert.Equal($"[\"{id}\"]", RecordingGateway.Json(packet.Payload));
    }

    [Fact]
    public async Task Event_return_value_is_the_ack()
    {
        var (grain, _, _) = await ConnectAsync();
        var ack = await grain.HandleEvent(Event("add", "[2,3]"));
        Assert.NotNull(ack);
        Assert.Equal("[5]", RecordingGateway.Json(ack));
    }

    [Fact]
    public async Task No_ack_when_the_client_did_not_ask()
    {
        var (grain, _, _) = await ConnectAsync();
        Assert.Null(await grain.HandleEvent(Event("add", "[2,3]", wantsAck: false)));
    }

    [Fact]
    public async Task Events_reach_the_handler_in_order()
    {
        var (grain, id, _) = await ConnectAsync();
        for (var i = 0; i < 300; i++) await grain.HandleEvent(Event("seq", $"[{i}]", wantsAck: false));
        Assert.Equal(Enumerable.Range(0, 300), TestHandlers.Sequences[id]);
    }

    [Fact]
    public async Task Events_of_one_call_run_in_order_and_answer_in_order()
    {
        var (grain, id, _) = await ConnectAsync();
        await grain.HandleEvent(Event("seq", "[0]", wantsAck: false));
        var result = await grain.HandleEvents([
            Event("seq", "[1]", wantsAck: false), Event("add", "[2,3]"), Event("seq", "[2]", wantsAck: false), Event("add", "[4,5]"),
        ]);
        await grain.HandleEvent(Event("seq", "[3]", wantsAck: false));
        Assert.Null(result.Errors);
        Assert.Equal([null, "[5]", null, "[9]"], result.Acks.Select(a => a is null ? null : RecordingGateway.Json(a)));
        Assert.Equal([0, 1, 2, 3], TestHandlers.Sequences[id]);
    }

    [Fact]
    public async Task Handler_can_wait_for_the_clients_ack()
    {
        var (grain, id, _) = await ConnectAsync();
        var ask = Event("ask", "[]");

        // Waiting for a client lets the call return; the answer follows to the gateway with the event's ack id.
        Assert.Null(await grain.HandleEvent(ask));
        var late = await LateAck(id, ask.AckId!.Value);
        Assert.Equal("[\"because\"]", RecordingGateway.Json(late));
        Assert.Contains(_gateway.Sent, s => s.Packet.Event == "question" && RecordingGateway.Json(s.Packet.Payload) == "[\"what?\"]");
    }

    private async Task<SocketPayload> LateAck(string socketId, long ackId)
    {
        // Bounded generously (a loaded machine), not a timing assertion.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            foreach (var (socket, id, payload) in _gateway.LateAcks)
                if (socket == socketId && id == ackId) return payload;
            await Task.Delay(10);
        }
        throw new TimeoutException($"No late ack {ackId} for socket {socketId}.");
    }

    [Fact]
    public async Task Transport_follows_the_upgrade_for_handlers_and_fetched_sockets()
    {
        var (grain, _, _) = await ConnectAsync(transport: "polling");
        Assert.Equal("[\"polling\"]", RecordingGateway.Json((await grain.HandleEvent(Event("transport", "[]")))!));
        Assert.Equal("polling", (await grain.Describe())!.Transport);

        await grain.TransportChanged("websocket");
        await grain.TransportChanged("websocket"); // no change, no second upgrade handler call

        Assert.Equal("[\"websocket\"]", RecordingGateway.Json((await grain.HandleEvent(Event("transport", "[]")))!));
        var described = (await grain.Describe())!;
        Assert.Equal("websocket", described.Transport);
        Assert.Equal("polling", described.Handshake.Transport); // the handshake stays as it was at connect
        var upgraded = Assert.Single(_gateway.Sent, s => s.Packet.Event == "upgraded");
        Assert.Equal("[\"websocket\",\"websocket\"]", RecordingGateway.Json(upgraded.Packet.Payload));
    }

    [Fact]
    public async Task Session_lives_as_long_as_the_socket()
    {
        var (grain, _, _) = await ConnectAsync();
        await grain.HandleEvent(Event("remember", "[\"kept\"]", wantsAck: false));
        Assert.Equal("[\"kept\"]", RecordingGateway.Json((await grain.HandleEvent(Event("recall", "[]")))!));
    }

    [Fact]
    public async Task Refusal_carries_message_and_data()
    {
        var (_, _, refused) = await ConnectAsync("/private", "{\"token\":\"nope\"}");
        Assert.False(refused.Accepted);
        Assert.Equal("Not authorized", refused.ErrorMessage);
        Assert.Equal("{\"reason\":\"bad token\"}", Encoding.UTF8.GetString(refused.ErrorDataJson!));

        var (_, _, accepted) = await ConnectAsync("/private", "{\"token\":\"ok\"}");
        Assert.True(accepted.Accepted);
    }

    [Fact]
    public async Task Unknown_namespace_is_refused()
    {
        var (_, _, result) = await ConnectAsync("/nowhere");
        Assert.False(result.Accepted);
        Assert.Equal("Invalid namespace", result.ErrorMessage);
    }

    [Fact]
    public async Task Disconnect_handler_gets_the_reason_and_later_events_are_dropped()
    {
        var (grain, id, _) = await ConnectAsync();
        await grain.Disconnected("transport close");
        Assert.Equal("transport close", TestHandlers.DisconnectReasons[id]);
        Assert.Null(await grain.HandleEvent(Event("add", "[1,1]")));
    }
}
