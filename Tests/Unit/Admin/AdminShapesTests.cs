using System.Text;
using System.Text.Json;
using OrleansSocket.Grains.Admin;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Tests.Admin;

/// <summary>What the UI reads, spelt as socket.io-admin-ui's lib/typed-events.ts (SerializedSocket, ServerStats).</summary>
public sealed class AdminShapesTests
{
    private static readonly DateTimeOffset Issued = DateTimeOffset.Parse("2026-12-05T00:48:47Z");

    private static RemoteSocket Socket(string id, string gateway, DateTimeOffset issued, Dictionary<string, string>? headers = null) =>
        new(id, "/chat", [id, "lobby"], new HandshakeInfo
        {
            Headers = headers ?? new() { ["host"] = "example.com", ["origin"] = "https://example.com" },
            Query = new Dictionary<string, string> { ["EIO"] = "4", ["transport"] = "polling" },
            AuthJson = Encoding.UTF8.GetBytes("""{"password":"secret"}"""),
            RemoteAddress = "10.0.0.7",
            Issued = issued,
            Url = "/socket.io/?EIO=4&transport=polling",
        }, Encoding.UTF8.GetBytes("""{"nickname":"alice"}"""), null, gateway) { Transport = "websocket" };

    private static JsonElement Json(object value) =>
        JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(value, PayloadSerializer.Options)).RootElement;

    [Fact]
    public void A_socket_has_the_fields_the_UI_lists_and_not_the_auth_object()
    {
        var json = Json(AdminSocketSerializer.Serialize(Socket("s1", "gw1", Issued)));

        Assert.Equal(["id", "clientId", "transport", "nsp", "data", "handshake", "rooms"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("s1", "websocket", "/chat"), (json.GetProperty("id").GetString(), json.GetProperty("transport").GetString(), json.GetProperty("nsp").GetString()));
        Assert.Equal("""{"nickname":"alice"}""", json.GetProperty("data").GetRawText());
        Assert.Equal(["s1", "lobby"], json.GetProperty("rooms").EnumerateArray().Select(r => r.GetString()));
        var handshake = json.GetProperty("handshake");
        Assert.Equal(["address", "headers", "query", "issued", "secure", "time", "url", "xdomain"], handshake.EnumerateObject().Select(p => p.Name));
        Assert.Equal("10.0.0.7", handshake.GetProperty("address").GetString());
        Assert.Equal(Issued.ToUnixTimeMilliseconds(), handshake.GetProperty("issued").GetInt64());
        Assert.Equal("Sat, 05 Dec 2026 00:48:47 GMT", handshake.GetProperty("time").GetString());
        Assert.True(handshake.GetProperty("xdomain").GetBoolean());
        Assert.False(handshake.GetProperty("secure").GetBoolean());
        Assert.DoesNotContain("secret", json.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_address_a_proxy_reports_comes_first_and_TLS_is_read_from_it()
    {
        var json = Json(AdminSocketSerializer.Serialize(Socket("s1", "gw1", Issued,
            new() { ["x-forwarded-for"] = "203.0.113.9", ["x-forwarded-proto"] = "https" })));

        Assert.Equal("203.0.113.9", json.GetProperty("handshake").GetProperty("address").GetString());
        Assert.True(json.GetProperty("handshake").GetProperty("secure").GetBoolean());
    }

    [Fact]
    public void Sockets_of_one_connection_share_a_client_id_others_do_not()
    {
        var id = AdminSocketSerializer.ClientId(Socket("s1", "gw1", Issued));

        Assert.Matches("^[0-9a-f]{12}$", id);
        Assert.Equal(id, AdminSocketSerializer.ClientId(Socket("s2", "gw1", Issued)));
        Assert.NotEqual(id, AdminSocketSerializer.ClientId(Socket("s3", "gw1", Issued.AddTicks(1))));
        Assert.NotEqual(id, AdminSocketSerializer.ClientId(Socket("s4", "gw2", Issued)));
    }

    [Fact]
    public void Server_stats_and_config_are_spelt_as_the_UI_reads_them()
    {
        var stats = Json(new AdminServerStats("vm#gw1", "vm", 42, 1.5, 3, 1, [new AdminAggregatedEvent(1000, "rawConnection", null, 2)],
            [new AdminNamespaceDetails("/", 2)], new AdminMemoryUsage(100, 50)));

        Assert.Equal(["serverId", "hostname", "pid", "uptime", "clientsCount", "pollingClientsCount", "aggregatedEvents", "namespaces", "memoryUsage"],
            stats.EnumerateObject().Select(p => p.Name));
        Assert.Equal("""[{"name":"/","socketsCount":2}]""", stats.GetProperty("namespaces").GetRawText());
        Assert.Equal("""[{"timestamp":1000,"type":"rawConnection","count":2}]""", stats.GetProperty("aggregatedEvents").GetRawText());
        Assert.Equal("""{"supportedFeatures":["JOIN"]}""", Json(new AdminConfig(["JOIN"])).GetRawText());
    }
}
