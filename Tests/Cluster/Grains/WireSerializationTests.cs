using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace OrleansSocket.Tests.Grains;

/// <summary>
/// Every wire type round-trips through the Orleans serializer. A parameter type without
/// [GenerateSerializer] compiles and fails only at run time (CodecNotFoundException): this test
/// also fails when a new wire type appears without a sample here.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WireSerializationTests(ClusterFixture fixture)
{
    private static readonly HandshakeClaim Claim = new("name", "alice", "http://www.w3.org/2001/XMLSchema#string", "https://issuer.test", "https://origin.test");

    private static readonly HandshakeIdentity Identity = new("Bearer", "name", "role", [Claim, Claim with { Type = "role", Value = "admin" }]);

    private static readonly HandshakeInfo Handshake = new()
    {
        Headers = new Dictionary<string, string> { ["h"] = "v" },
        Query = new Dictionary<string, string> { ["q"] = "1" },
        AuthJson = "{\"a\":1}"u8.ToArray(),
        RemoteAddress = "127.0.0.1",
        EngineIOVersion = 3,
        Transport = "polling",
        Url = "/socket.io/?EIO=3",
        Issued = DateTimeOffset.UnixEpoch,
        Identities = [Identity],
    };

    private static readonly SocketPayload Payload = new("[\"x\",{\"_placeholder\":true,\"num\":0}]"u8.ToArray(), [[1, 2, 3]]);

    private object[] Samples() =>
    [
        Handshake,
        Identity,
        Claim,
        Payload,
        new ClientEvent("ev", Payload, true),
        new EventBatch(["sid1", "sid2"], [new ClientEvent("ev", Payload, true) { AckId = 7 }, new ClientEvent("ev2", Payload, false)]),
        new EventBatchResult([Payload, null], null),
        new EventReceipt("gw", "conn", 3),
        new OutboundPacket("/chat", "ev", Payload, Volatile: true),
        new ConnectResult(false, "no", "{\"d\":1}"u8.ToArray()),
        ConnectResult.InvalidNamespace,
        ConnectResult.Ok with { GatewayHere = true },
        new SocketConnectRequest("/", "gw", fixture.Client.CreateObjectReference<IGatewayObserver>(new RecordingGateway()), Handshake),
        new UserSocket("sid", "/", "gw"),
        new GatewayBroadcast("/", ["r1", "r2"], ["x"], new OutboundPacket("/", "ev", Payload), Guid.Empty, TimeSpan.FromSeconds(2)),
        new SocketAckReply("sid", Payload),
        new BroadcastAckResult([new SocketAckReply("sid", Payload)], 3, true),
        new RemoteSocket("sid", "/", ["sid", "room"], Handshake, "{\"k\":1}"u8.ToArray(), "alice", "gw"),
        new SocketRestoreRequest(new SocketConnectRequest("/", "gw", fixture.Client.CreateObjectReference<IGatewayObserver>(new RecordingGateway()), Handshake), ["room"], "alice"),
        new GatewayHeartbeat("gw", TimeSpan.FromSeconds(10), ["/", "/chat"], fixture.Client.CreateObjectReference<IGatewayObserver>(new RecordingGateway()), "http://10.0.0.1:5000"),
        new GatewayHeartbeatReply(GatewayLeaseStatus.WasDeclaredDead, ["S127.0.0.1:11111:1"], new() { ["gw"] = "http://10.0.0.1:5000" }),
        GatewayLeaseStatus.New,
    ];

    [Fact]
    public void Every_wire_type_has_a_sample_and_an_alias()
    {
        var wireTypes = typeof(SocketPayload).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<GenerateSerializerAttribute>() is not null)
            .ToHashSet();
        Assert.All(wireTypes, t => Assert.NotNull(t.GetCustomAttribute<AliasAttribute>()));
        Assert.Equal(wireTypes.OrderBy(t => t.Name), Samples().Select(s => s.GetType()).ToHashSet().OrderBy(t => t.Name));
    }

    [Fact]
    public void Every_wire_type_round_trips()
    {
        var serializer = fixture.Client.ServiceProvider.GetRequiredService<Serializer>();
        foreach (var sample in Samples())
        {
            var bytes = serializer.SerializeToArray(sample);
            var back = serializer.Deserialize<object>(bytes);
            Assert.NotNull(back);
            Assert.Equal(sample.GetType(), back.GetType());
            Assert.Equal(Describe(sample), Describe(back));
        }
    }

    // Records compare byte arrays by reference: compare a rendering of their contents instead.
    private static string Describe(object? value) => value switch
    {
        byte[] b => Convert.ToHexString(b),
        byte[][] bs => string.Join(",", bs.Select(Convert.ToHexString)),
        string s => s,
        IReadOnlyDictionary<string, string> d => string.Join(";", d.Select(kv => kv.Key + "=" + kv.Value)),
        System.Collections.IEnumerable items and not IReadOnlyDictionary<string, string> => "[" + string.Join(",", items.Cast<object?>().Select(Describe)) + "]",
        IGatewayObserver o => ((GrainReference)o).GrainId.ToString(),
        null => "null",
        _ when value.GetType().Namespace == "OrleansSocket" => string.Join("|", value.GetType()
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => p.Name + ":" + Describe(p.GetValue(value)))),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
