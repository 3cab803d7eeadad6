using System.Diagnostics.Metrics;

namespace OrleansSocket;

/// <summary>
/// OrleansSocket's counters, on the <c>OrleansSocket</c> <see cref="Meter"/> (read them with a
/// <see cref="MeterListener"/>, OpenTelemetry or <c>dotnet-counters</c>), with running totals per process
/// for the gateway's <c>/metrics</c> endpoint. They show the broadcast cost: one stream message per gateway
/// that holds targets (<see cref="StreamMessagesName"/>), one delivery per socket (<see cref="DeliveriesName"/>).
/// </summary>
public static class SocketIOMetrics
{
    /// <summary>The name of the <see cref="Meter"/>.</summary>
    public const string MeterName = "OrleansSocket";
    /// <summary>Counter: broadcast messages published to gateway streams (one per gateway per broadcast).</summary>
    public const string StreamMessagesName = "orleanssocket.broadcast.stream_messages";
    /// <summary>Counter: broadcast packets gateways wrote to their local sockets.</summary>
    public const string DeliveriesName = "orleanssocket.broadcast.deliveries";
    /// <summary>Counter: broadcast messages gateways received on their streams.</summary>
    public const string BroadcastsName = "orleanssocket.broadcast.received";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> StreamMessages = Meter.CreateCounter<long>(StreamMessagesName, "{message}",
        "GatewayBroadcast messages published to gateway streams (one per gateway per broadcast).");
    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>(DeliveriesName, "{packet}",
        "Broadcast packets a gateway wrote to its local sockets.");
    private static readonly Counter<long> Broadcasts = Meter.CreateCounter<long>(BroadcastsName, "{message}",
        "GatewayBroadcast messages a gateway received on its stream.");

    private static long _streamMessages;
    private static long _deliveries;
    private static long _broadcasts;

    /// <summary>Totals in this process since it started, by instrument name.</summary>
    public static IReadOnlyDictionary<string, long> Totals() => new Dictionary<string, long>
    {
        [StreamMessagesName] = Interlocked.Read(ref _streamMessages),
        [DeliveriesName] = Interlocked.Read(ref _deliveries),
        [BroadcastsName] = Interlocked.Read(ref _broadcasts),
    };

    /// <summary>Counts <paramref name="count"/> broadcast messages published to gateway streams.</summary>
    public static void StreamMessagePublished(int count = 1)
    {
        Interlocked.Add(ref _streamMessages, count);
        StreamMessages.Add(count);
    }

    /// <summary>Counts one broadcast message a gateway received and the <paramref name="deliveries"/> packets it wrote for it.</summary>
    public static void BroadcastReceived(int deliveries)
    {
        Interlocked.Increment(ref _broadcasts);
        Broadcasts.Add(1);
        Interlocked.Add(ref _deliveries, deliveries);
        Deliveries.Add(deliveries);
    }
}
