using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansSocket.Internal;

/// <summary>
/// OrleansSocket's instruments (<see cref="SocketIOInstrumentation"/> names them), on a meter made by the container's
/// <see cref="IMeterFactory"/>; one per container, registered by <c>AddSocketIO</c> and <c>AddSocketIOEmitter</c>. Also keeps
/// the broadcast totals of the gateway's JSON endpoint. Not for application code.
/// </summary>
internal sealed class SocketIOMeters
{
    private readonly UpDownCounter<long> _connections;
    private readonly UpDownCounter<long> _sockets;
    private readonly Counter<long> _eventsReceived;
    private readonly Histogram<double> _handlerDuration;
    private readonly Histogram<double> _eventBatchDuration;
    private readonly Histogram<double> _eventDuration;
    private readonly Counter<long> _eventsSent;
    private readonly Counter<long> _acksReceived;
    private readonly Counter<long> _ackTimeouts;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _io;
    private readonly Counter<long> _engineErrors;
    private readonly Counter<long> _streamMessages;
    private readonly Counter<long> _broadcasts;
    private readonly Counter<long> _deliveries;
    private long _streamMessageTotal;
    private long _broadcastTotal;
    private long _deliveryTotal;

    /// <summary>Buckets for the gateway's per-event and per-batch times, which are mostly under a millisecond: from 0.1 ms
    /// to 10 s.</summary>
    private static readonly InstrumentAdvice<double> FromTenthOfAMillisecond = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    /// <summary>Creates the instruments on the <see cref="SocketIOInstrumentation.Name"/> meter of <paramref name="meters"/>.</summary>
    public SocketIOMeters(IMeterFactory meters)
    {
        var meter = meters.Create(SocketIOInstrumentation.Name);
        _connections = meter.CreateUpDownCounter<long>(SocketIOInstrumentation.ActiveConnections, "{connection}",
            "Open Engine.IO connections of this gateway.");
        _sockets = meter.CreateUpDownCounter<long>(SocketIOInstrumentation.ActiveSockets, "{socket}",
            "Connected namespace sockets of this gateway.");
        _eventsReceived = meter.CreateCounter<long>(SocketIOInstrumentation.EventsReceived, "{event}",
            "EVENT packets received from clients.");
        _handlerDuration = meter.CreateHistogram(SocketIOInstrumentation.HandlerDuration, "s",
            "How long a connect, event or disconnect handler ran.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _eventBatchDuration = meter.CreateHistogram(SocketIOInstrumentation.EventBatchDuration, "s",
            "How long a batch of client events took from its send to the silos' answer.",
            advice: FromTenthOfAMillisecond);
        _eventDuration = meter.CreateHistogram(SocketIOInstrumentation.EventDuration, "s",
            "How long the gateway held a client event, from its read until its socket moved on to the next one (its ack written).",
            advice: FromTenthOfAMillisecond);
        _eventsSent = meter.CreateCounter<long>(SocketIOInstrumentation.EventsSent, "{event}", "Events written to clients' sockets.");
        _acksReceived = meter.CreateCounter<long>(SocketIOInstrumentation.AcksReceived, "{ack}", "ACKs clients sent for the server's emits.");
        _ackTimeouts = meter.CreateCounter<long>(SocketIOInstrumentation.AckTimeouts, "{ack}", "Server emits whose client did not ACK in time.");
        _dropped = meter.CreateCounter<long>(SocketIOInstrumentation.PacketsDropped, "{packet}", "Packets not written to a client.");
        _io = meter.CreateCounter<long>(SocketIOInstrumentation.Io, "By", "Socket.IO bytes received from and written to clients.");
        _engineErrors = meter.CreateCounter<long>(SocketIOInstrumentation.EngineIOErrors, "{error}", "Engine.IO requests refused, by error code.");
        _streamMessages = meter.CreateCounter<long>(SocketIOInstrumentation.BroadcastStreamMessages, "{message}",
            "Broadcast messages sent to gateways, on their streams or to a gateway of the same process (one per gateway per broadcast).");
        _broadcasts = meter.CreateCounter<long>(SocketIOInstrumentation.BroadcastsReceived, "{message}",
            "Broadcast messages this gateway received, on its stream or from its own process.");
        _deliveries = meter.CreateCounter<long>(SocketIOInstrumentation.BroadcastDeliveries, "{packet}",
            "Broadcast packets this gateway wrote to its local sockets.");
    }

    /// <summary>An Engine.IO connection opened.</summary>
    public void ConnectionOpened(string transport, int protocol) => _connections.Add(1, Transport(transport, protocol));

    /// <summary>An Engine.IO connection closed; <paramref name="transport"/> and <paramref name="protocol"/> as it opened.</summary>
    public void ConnectionClosed(string transport, int protocol) => _connections.Add(-1, Transport(transport, protocol));

    /// <summary>A namespace socket was created.</summary>
    public void SocketAdded(string ns) => _sockets.Add(1, new KeyValuePair<string, object?>(SocketIOInstrumentation.NamespaceTag, ns));

    /// <summary>A namespace socket was removed.</summary>
    public void SocketRemoved(string ns) => _sockets.Add(-1, new KeyValuePair<string, object?>(SocketIOInstrumentation.NamespaceTag, ns));

    /// <summary>An EVENT packet arrived from a client.</summary>
    public void EventReceived(string ns) => _eventsReceived.Add(1, new KeyValuePair<string, object?>(SocketIOInstrumentation.NamespaceTag, ns));

    /// <summary>An event was written to a socket of namespace <paramref name="ns"/>.</summary>
    public void EventSent(string ns) => _eventsSent.Add(1, new KeyValuePair<string, object?>(SocketIOInstrumentation.NamespaceTag, ns));

    /// <summary>A client acknowledged a server emit.</summary>
    public void AckReceived(string ns) => _acksReceived.Add(1, new KeyValuePair<string, object?>(SocketIOInstrumentation.NamespaceTag, ns));

    /// <summary>A client did not acknowledge a server emit in time.</summary>
    public void AckTimedOut(string ns) => _ackTimeouts.Add(1, new KeyValuePair<string, object?>(SocketIOInstrumentation.NamespaceTag, ns));

    /// <summary>A packet was not written to its client.</summary>
    public void PacketDropped(string reason) => _dropped.Add(1, new KeyValuePair<string, object?>(SocketIOInstrumentation.DropReasonTag, reason));

    /// <summary><paramref name="bytes"/> arrived from a client.</summary>
    public void BytesReceived(long bytes) => _io.Add(bytes, new KeyValuePair<string, object?>("network.io.direction", "receive"));

    /// <summary><paramref name="bytes"/> were written to a client.</summary>
    public void BytesSent(long bytes) => _io.Add(bytes, new KeyValuePair<string, object?>("network.io.direction", "transmit"));

    /// <summary>An Engine.IO request was refused with <paramref name="code"/>.</summary>
    public void EngineIOError(int code) => _engineErrors.Add(1, new KeyValuePair<string, object?>(SocketIOInstrumentation.EngineIOErrorCodeTag, code));

    /// <summary>A handler finished after <paramref name="elapsed"/>; <paramref name="error"/> when it threw.</summary>
    public void HandlerRan(string kind, string ns, TimeSpan elapsed, Exception? error)
    {
        var tags = new TagList
        {
            { SocketIOInstrumentation.NamespaceTag, ns },
            { SocketIOInstrumentation.HandlerKindTag, kind },
        };
        if (error is not null) tags.Add("error.type", error.GetType().FullName);
        _handlerDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>Whether anyone listens to <see cref="SocketIOInstrumentation.EventDuration"/>: the gateway reads the clock
    /// for it only then.</summary>
    public bool TimesEvents => _eventDuration.Enabled;

    /// <summary>A client event of namespace <paramref name="ns"/> was done with <paramref name="elapsed"/> after it was read.</summary>
    public void EventHandled(string ns, TimeSpan elapsed) =>
        _eventDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(SocketIOInstrumentation.NamespaceTag, ns));

    /// <summary>Whether anyone listens to <see cref="SocketIOInstrumentation.EventBatchDuration"/>: the batcher reads the clock
    /// for it only then.</summary>
    public bool TimesBatches => _eventBatchDuration.Enabled;

    /// <summary>A batch of client events was answered after <paramref name="elapsed"/>; <paramref name="error"/> when it failed.</summary>
    public void EventBatchAnswered(TimeSpan elapsed, Exception? error)
    {
        if (error is null) _eventBatchDuration.Record(elapsed.TotalSeconds);
        else _eventBatchDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("error.type", error.GetType().FullName));
    }

    /// <summary>Counts <paramref name="count"/> broadcast messages sent to gateways (their streams, or one of this process).</summary>
    public void StreamMessagePublished(int count = 1)
    {
        Interlocked.Add(ref _streamMessageTotal, count);
        _streamMessages.Add(count);
    }

    /// <summary>Counts one broadcast message a gateway received and the <paramref name="deliveries"/> packets it wrote for it.</summary>
    public void BroadcastReceived(int deliveries)
    {
        Interlocked.Increment(ref _broadcastTotal);
        _broadcasts.Add(1);
        Interlocked.Add(ref _deliveryTotal, deliveries);
        _deliveries.Add(deliveries);
    }

    /// <summary>The broadcast counters' totals in this container since it started, by instrument name.</summary>
    public IReadOnlyDictionary<string, long> BroadcastTotals() => new Dictionary<string, long>
    {
        [SocketIOInstrumentation.BroadcastStreamMessages] = Interlocked.Read(ref _streamMessageTotal),
        [SocketIOInstrumentation.BroadcastsReceived] = Interlocked.Read(ref _broadcastTotal),
        [SocketIOInstrumentation.BroadcastDeliveries] = Interlocked.Read(ref _deliveryTotal),
    };

    private static TagList Transport(string transport, int protocol) => new()
    {
        { SocketIOInstrumentation.TransportTag, transport },
        { SocketIOInstrumentation.ProtocolVersionTag, protocol },
    };
}
