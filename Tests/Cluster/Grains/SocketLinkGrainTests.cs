using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OrleansSocket.Grains.Sockets;

namespace OrleansSocket.Tests.Grains;

/// <summary>A thin gateway's link grain: one call hands a batch of events to their socket grains and brings back each
/// event's outcome in the batch's order.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SocketLinkGrainTests(ClusterFixture fixture)
{
    private readonly RecordingGateway _gateway = new();

    private async Task<string> ConnectAsync()
    {
        var id = Guid.NewGuid().ToString("N");
        var observer = fixture.Client.CreateObjectReference<IGatewayObserver>(_gateway);
        var handshake = new HandshakeInfo { Headers = new Dictionary<string, string>(), Query = new Dictionary<string, string>(), AuthJson = "{}"u8.ToArray(), EngineIOVersion = 4, Transport = "websocket" };
        Assert.True((await fixture.Client.GetGrain<ISocketGrain>(id).Connect(new SocketConnectRequest("/", "gw-link", observer, handshake))).Accepted);
        return id;
    }

    private static ClientEvent Event(string name, string argsJson, long? ackId) =>
        new(name, new SocketPayload(Encoding.UTF8.GetBytes(argsJson)), ackId is not null) { AckId = ackId };

    [Fact]
    public async Task A_batch_reaches_each_events_socket_and_returns_the_outcomes_in_its_order()
    {
        var (s1, s2, s3) = (await ConnectAsync(), await ConnectAsync(), await ConnectAsync());
        var unknown = Guid.NewGuid().ToString("N");
        var link = fixture.Client.GetGrain<ISocketLinkGrain>("gw-link");

        var result = await link.HandleEvents(new EventBatch([s1, s2, s3, unknown],
        [
            Event("add", "[2,3]", 1),
            Event("add", "[3,4]", 2),
            Event("seq", "[9]", null),
            Event("add", "[1,1]", 3),
        ]));

        Assert.Null(result.Errors);
        Assert.Equal(4, result.Acks.Length);
        Assert.Equal("[5]", RecordingGateway.Json(result.Acks[0]!));
        Assert.Equal("[7]", RecordingGateway.Json(result.Acks[1]!));
        Assert.Null(result.Acks[2]); // no ack asked for
        Assert.Null(result.Acks[3]); // no such socket: nothing ran, as with a direct call
        Assert.Equal([9], TestHandlers.Sequences[s3]);
    }

    private SocketGrainsHere Here => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<SocketGrainsHere>();

    [Fact]
    public async Task A_thin_gateways_socket_is_listed_in_its_silo_and_runs_an_event_handed_to_its_activation()
    {
        var id = await ConnectAsync();
        var local = Assert.IsType<LocalSocketGrain>(Here.Find(id));

        // Straight to the activation's scheduler from this (test) thread: no grain call, the outcome as the call's.
        var sum = local.TryHandle(Event("add", "[20,22]", 7));
        var seq = local.TryHandle(Event("seq", "[4]", null));

        Assert.NotNull(sum);
        Assert.Equal("[42]", RecordingGateway.Json((await sum)!));
        Assert.Null(await seq!);
        Assert.Equal([4], TestHandlers.Sequences[id]);
    }

    [Fact]
    public async Task The_link_makes_the_grain_call_for_a_socket_whose_listed_activation_refuses()
    {
        var id = await ConnectAsync();
        var local = Assert.IsType<LocalSocketGrain>(Here.Find(id));
        local.Close(); // as when the activation deactivates: it takes no more events handed to it
        Assert.Null(local.TryHandle(Event("add", "[1,1]", 1)));

        var result = await fixture.Client.GetGrain<ISocketLinkGrain>("gw-link").HandleEvents(new EventBatch([id], [Event("add", "[5,6]", 2)]));

        Assert.Null(result.Errors);
        Assert.Equal("[11]", RecordingGateway.Json(result.Acks[0]!));
    }

    [Fact]
    public async Task A_socket_that_left_is_no_longer_listed_once_its_activation_ended()
    {
        var id = await ConnectAsync();
        var local = Assert.IsType<LocalSocketGrain>(Here.Find(id));

        await fixture.Client.GetGrain<ISocketGrain>(id).Disconnected("client namespace disconnect");

        Assert.True(SpinWait.SpinUntil(() => Here.Find(id) is null, TimeSpan.FromSeconds(10)), "still listed");
        Assert.Null(local.TryHandle(Event("add", "[1,1]", 1)));
    }

    [Fact]
    public async Task A_sockets_events_next_to_each_other_run_in_their_order_with_each_outcome_in_its_place()
    {
        var (s1, s2) = (await ConnectAsync(), await ConnectAsync());
        Assert.NotNull(Here.Find(s1)); // handed to its activation, as a group

        var result = await fixture.Client.GetGrain<ISocketLinkGrain>("gw-link").HandleEvents(new EventBatch([s1, s1, s1, s1, s2],
        [
            Event("seq", "[1]", null),
            Event("add", "[1,2]", 1),
            Event("seq", "[2]", null),
            Event("seq", "[3]", null),
            Event("add", "[3,4]", 2),
        ]));

        Assert.Null(result.Errors);
        Assert.Equal([null, "[3]", null, null, "[7]"], result.Acks.Select(a => a is null ? null : RecordingGateway.Json(a)));
        Assert.Equal([1, 2, 3], TestHandlers.Sequences[s1]);
    }

    [Fact]
    public async Task A_sockets_group_goes_by_grain_call_when_its_listed_activation_refuses()
    {
        var id = await ConnectAsync();
        Assert.IsType<LocalSocketGrain>(Here.Find(id)).Close();
        Assert.Null(Here.Find(id)!.TryHandle([Event("seq", "[0]", null)]));

        var result = await fixture.Client.GetGrain<ISocketLinkGrain>("gw-link").HandleEvents(new EventBatch([id, id],
            [Event("seq", "[5]", null), Event("add", "[5,6]", 2)]));

        Assert.Null(result.Errors);
        Assert.Equal("[11]", RecordingGateway.Json(result.Acks[1]!));
        Assert.Equal([5], TestHandlers.Sequences[id]);
    }

    [Fact]
    public async Task A_batch_with_one_id_too_few_is_refused()
    {
        var link = fixture.Client.GetGrain<ISocketLinkGrain>("gw-link");
        await Assert.ThrowsAsync<ArgumentException>(() => link.HandleEvents(new EventBatch(["s"], [])));
    }
}
