using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansSocket.Grains.Admin;

// The shapes the Admin UI reads, spelt as socket.io-admin-ui's lib/typed-events.ts and lib/index.ts spell them.

/// <summary>The <c>config</c> event: what the UI may offer.</summary>
internal sealed record AdminConfig([property: JsonPropertyName("supportedFeatures")] string[] SupportedFeatures);

/// <summary>A socket as <c>all_sockets</c> and <c>socket_connected</c> carry it (<c>SerializedSocket</c>).</summary>
internal sealed record AdminSocket(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("clientId")] string ClientId,
    [property: JsonPropertyName("transport")] string Transport,
    [property: JsonPropertyName("nsp")] string Nsp,
    [property: JsonPropertyName("data")] JsonElement Data,
    [property: JsonPropertyName("handshake")] AdminHandshake Handshake,
    [property: JsonPropertyName("rooms")] string[] Rooms);

/// <summary>A socket's handshake as the UI shows it (Node's <c>socket.handshake</c> without <c>auth</c>).</summary>
internal sealed record AdminHandshake(
    [property: JsonPropertyName("address")] string? Address,
    [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string> Headers,
    [property: JsonPropertyName("query")] IReadOnlyDictionary<string, string> Query,
    [property: JsonPropertyName("issued")] long Issued,
    [property: JsonPropertyName("secure")] bool Secure,
    [property: JsonPropertyName("time")] string Time,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("xdomain")] bool XDomain);

/// <summary>The <c>server_stats</c> event: one gateway's state.</summary>
internal sealed record AdminServerStats(
    [property: JsonPropertyName("serverId")] string ServerId,
    [property: JsonPropertyName("hostname")] string Hostname,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("uptime")] double Uptime,
    [property: JsonPropertyName("clientsCount")] int ClientsCount,
    [property: JsonPropertyName("pollingClientsCount")] int PollingClientsCount,
    [property: JsonPropertyName("aggregatedEvents")] IReadOnlyList<AdminAggregatedEvent> AggregatedEvents,
    [property: JsonPropertyName("namespaces")] IReadOnlyList<AdminNamespaceDetails> Namespaces,
    [property: JsonPropertyName("memoryUsage")] AdminMemoryUsage MemoryUsage);

/// <summary>A namespace and how many sockets the gateway holds in it (<c>NamespaceDetails</c>).</summary>
internal sealed record AdminNamespaceDetails(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("socketsCount")] int SocketsCount);

/// <summary>A count of one kind of event in one second (<c>NamespaceEvent</c>): <c>rawConnection</c>,
/// <c>rawDisconnection</c> (with the reason as <c>subType</c>).</summary>
internal sealed record AdminAggregatedEvent(
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("subType"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SubType,
    [property: JsonPropertyName("count")] int Count);

/// <summary>The process's memory, named as Node's <c>process.memoryUsage()</c> (bytes): the working set and the managed heap.</summary>
internal sealed record AdminMemoryUsage(
    [property: JsonPropertyName("rss")] long Rss,
    [property: JsonPropertyName("heapUsed")] long HeapUsed);
