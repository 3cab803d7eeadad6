using OrleansSocket.Gateway.Membership;
using OrleansSocket.Tests.Adapters;

namespace OrleansSocket.Tests.Grains;

/// <summary>
/// Leases in the <see cref="IGatewayMembershipGrain"/>, on the silo's <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/>:
/// a gateway that stops renewing its lease loses its address and its sockets once the clock passed the lease, unless
/// it answers the membership's ping. The clock decides; only the cluster's own processing is waited for.
/// </summary>
[Collection(LeaseClusterCollection.Name)]
public sealed class GatewayLeaseTests(LeaseClusterFixture fixture)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private IGatewayMembershipGrain Membership => fixture.Client.GetGrain<IGatewayMembershipGrain>(IGatewayMembershipGrain.Key);

    private static string NewId() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task An_address_not_renewed_is_dropped_with_its_lease()
    {
        var id = GatewayMembership.NewId();
        await Membership.Heartbeat(new GatewayHeartbeat(id, Lease, [], Address: "http://10.0.0.3:5000"));
        Assert.True((await Membership.Addresses()).ContainsKey(id));
        fixture.Clock.Advance(Lease - Second);
        Assert.True((await Membership.Addresses()).ContainsKey(id)); // within its lease

        fixture.Clock.Advance(2 * Second);
        await LeaseClusterFixture.UntilAsync(async () => !(await Membership.Addresses()).ContainsKey(id), "the address outlived its lease");
        // Free again for anyone (it learns it had been declared dead).
        Assert.Equal(GatewayLeaseStatus.WasDeclaredDead, (await Membership.Heartbeat(new GatewayHeartbeat(id, Lease, [], Address: "http://10.0.0.4:5000"))).Status);
        Assert.Equal("http://10.0.0.4:5000", (await Membership.Addresses())[id]);
        await Membership.Unregister(id);
    }

    [Fact]
    public async Task A_gateway_that_misses_its_lease_loses_its_sockets()
    {
        var (gatewayId, id, room) = ("gw-" + NewId(), NewId(), "room-" + NewId());
        Assert.Equal(GatewayLeaseStatus.New, (await Membership.Heartbeat(new GatewayHeartbeat(gatewayId, Lease, ["/"]))).Status);
        var grain = fixture.Client.GetGrain<ISocketGrain>(id);
        Assert.True((await grain.Connect(fixture.Request(gatewayId))).Accepted);
        await grain.JoinRooms([room]);
        fixture.Clock.Advance(Lease - Second);
        Assert.Equal(GatewayLeaseStatus.Renewed, (await Membership.Heartbeat(new GatewayHeartbeat(gatewayId, Lease, ["/"]))).Status);
        Assert.Contains(gatewayId, await Membership.Gateways());

        // No more heartbeats: once the clock passed the lease, the socket is gone everywhere.
        fixture.Clock.Advance(Lease + Second);
        await LeaseClusterFixture.UntilAsync(() => Task.FromResult(TestHandlers.DisconnectReasons.ContainsKey(id)), "the gateway's socket was not dropped");
        Assert.Equal("transport close", TestHandlers.DisconnectReasons[id]);
        Assert.DoesNotContain(gatewayId, await Membership.Gateways());
        Assert.DoesNotContain(id, await fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of("/", room)).Members());
        Assert.DoesNotContain(id, await fixture.Client.GetGrain<INamespaceGrain>("/").Members());
        Assert.Null(await grain.Describe());

        // Should it come back (a long pause), it learns it was declared dead, and holds a lease again.
        Assert.Equal(GatewayLeaseStatus.WasDeclaredDead, (await Membership.Heartbeat(new GatewayHeartbeat(gatewayId, Lease, []))).Status);
        await Membership.Unregister(gatewayId);
        Assert.DoesNotContain(gatewayId, await Membership.Gateways());
    }

    [Fact]
    public async Task A_gateway_that_dies_before_reporting_a_namespace_still_loses_its_sockets_there()
    {
        var (gatewayId, id, room) = ("gw-" + NewId(), NewId(), "room-" + NewId());
        const string ns = "/";
        // Its only heartbeat came before any client: it reported no namespace, and it sends none after.
        Assert.Equal(GatewayLeaseStatus.New, (await Membership.Heartbeat(new GatewayHeartbeat(gatewayId, Lease, []))).Status);
        var grain = fixture.Client.GetGrain<ISocketGrain>(id);
        Assert.True((await grain.Connect(fixture.Request(gatewayId))).Accepted);
        await grain.JoinRooms([room]);

        fixture.Clock.Advance(Lease + Second);
        await LeaseClusterFixture.UntilAsync(() => Task.FromResult(TestHandlers.DisconnectReasons.ContainsKey(id)),
            "the socket of a gateway that never reported its namespace was not dropped");
        Assert.DoesNotContain(id, await fixture.Client.GetGrain<INamespaceGrain>(ns).Members());
        Assert.DoesNotContain(id, await fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of(ns, room)).Members());
        Assert.Null(await grain.Describe());
    }

    [Fact]
    public async Task A_gateway_that_missed_its_lease_but_answers_a_ping_keeps_its_sockets()
    {
        var (gatewayId, id) = ("gw-" + NewId(), NewId());
        var gateway = new RecordingGateway();
        var observer = fixture.Client.CreateObjectReference<IGatewayObserver>(gateway);
        await Membership.Heartbeat(new GatewayHeartbeat(gatewayId, Lease, ["/"], observer));
        var grain = fixture.Client.GetGrain<ISocketGrain>(id);
        Assert.True((await grain.Connect(fixture.Request(gatewayId))).Accepted);

        // No heartbeat for longer than its lease (a slow gateway, or a second membership activation): the ping keeps it alive.
        fixture.Clock.Advance(Lease + Second);
        await LeaseClusterFixture.UntilAsync(() => Task.FromResult(gateway.Pings > 0), "the membership never pinged the gateway past its lease");
        Assert.Contains(gatewayId, await Membership.Gateways());
        Assert.NotNull(await grain.Describe());
        Assert.False(TestHandlers.DisconnectReasons.ContainsKey(id));
        Assert.Equal(GatewayLeaseStatus.Renewed, (await Membership.Heartbeat(new GatewayHeartbeat(gatewayId, Lease, ["/"], observer))).Status);
        await Membership.Unregister(gatewayId);
        await grain.Disconnected("transport close");
    }
}
