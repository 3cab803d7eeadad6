using System.Diagnostics;

namespace OrleansSocket;

/// <summary>
/// The names of OrleansSocket's telemetry: one <see cref="System.Diagnostics.Metrics.Meter"/> and one
/// <see cref="System.Diagnostics.ActivitySource"/>, both named <see cref="Name"/>. Instruments follow the OpenTelemetry
/// semantic conventions of SignalR (<c>signalr.server.*</c>) as <c>socketio.server.*</c>; add them with
/// <c>.WithMetrics(m =&gt; m.AddSocketIOInstrumentation())</c> and <c>.WithTracing(t =&gt; t.AddSocketIOInstrumentation())</c>.
/// </summary>
public static class SocketIOInstrumentation
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string Name = "OrleansSocket";

    /// <summary>UpDownCounter <c>{connection}</c>: open Engine.IO connections of a gateway, by <see cref="TransportTag"/>
    /// (at open) and <see cref="ProtocolVersionTag"/> (signalr.server.active_connections).</summary>
    public const string ActiveConnections = "socketio.server.active_connections";
    /// <summary>UpDownCounter <c>{socket}</c>: connected namespace sockets of a gateway, by <see cref="NamespaceTag"/>.</summary>
    public const string ActiveSockets = "socketio.server.active_sockets";
    /// <summary>Counter <c>{event}</c>: EVENT packets received from clients, by <see cref="NamespaceTag"/>.</summary>
    public const string EventsReceived = "socketio.server.events.received";
    /// <summary>Counter <c>{event}</c>: events written to clients' sockets (emits and broadcast deliveries), by <see cref="NamespaceTag"/>.</summary>
    public const string EventsSent = "socketio.server.events.sent";
    /// <summary>Counter <c>{ack}</c>: ACK packets clients sent for the server's emits with an ack, by <see cref="NamespaceTag"/>.</summary>
    public const string AcksReceived = "socketio.server.acks.received";
    /// <summary>Counter <c>{ack}</c>: server emits whose client did not ACK in time, by <see cref="NamespaceTag"/>.</summary>
    public const string AckTimeouts = "socketio.server.ack.timeouts";
    /// <summary>Counter <c>{packet}</c>: packets not written to a client, by <see cref="DropReasonTag"/>: <c>volatile</c> (a
    /// volatile packet the transport could not take now, or a full send queue), <c>closed</c> (the connection is closing,
    /// e.g. after its send queue overflowed) or <c>broadcast_queue</c> (a volatile broadcast published in the gateway's own
    /// process found its local broadcast queue full: counted once for the broadcast, whatever the sockets it was for).</summary>
    public const string PacketsDropped = "socketio.server.packets.dropped";
    /// <summary>Counter <c>By</c>: Socket.IO bytes received from and written to clients (Engine.IO message payloads, acks included; one measurement per message), by
    /// <c>network.io.direction</c> (<c>receive</c>, <c>transmit</c>).</summary>
    public const string Io = "socketio.server.io";
    /// <summary>Counter <c>{error}</c>: Engine.IO requests refused, by <see cref="EngineIOErrorCodeTag"/> (0 unknown transport,
    /// 1 unknown session id, 2 bad handshake method, 3 bad request, 4 forbidden, 5 unsupported protocol version).</summary>
    public const string EngineIOErrors = "socketio.server.engineio.errors";
    /// <summary>Histogram <c>s</c>: how long a handler ran (connect, event, disconnect), by <see cref="NamespaceTag"/>,
    /// <see cref="HandlerKindTag"/> and, when it threw, <c>error.type</c>.</summary>
    public const string HandlerDuration = "socketio.server.handler.duration";
    /// <summary>Histogram <c>s</c>: how long a thin gateway's batch of client events took from its send to the silos'
    /// answer, by grain call or over the event link (<c>SocketIO:EventBatching</c>), by <c>error.type</c> when it failed.</summary>
    public const string EventBatchDuration = "socketio.server.event_batch.duration";
    /// <summary>Histogram <c>s</c>: how long a gateway held a client event, by <see cref="NamespaceTag"/>: from its read off
    /// the connection until its socket moved on to its next event, which is when its ack, if any, was written. It holds the
    /// wait behind the socket's earlier events, the call to the grain (or the batch) and the ack's write: the server's share
    /// of what a client measures from its emit to its ack. A handler that started in the gateway's process and then awaits
    /// lets its socket move on before it answers; its event is timed until then.</summary>
    public const string EventDuration = "socketio.server.event.duration";
    /// <summary>Counter <c>{message}</c>: broadcast messages sent to gateways (one per gateway per broadcast): published to a
    /// gateway's stream, or handed to a gateway of the same process directly.</summary>
    public const string BroadcastStreamMessages = "socketio.server.broadcast.stream_messages";
    /// <summary>Counter <c>{message}</c>: broadcast messages a gateway received (on its stream, or from its own process).</summary>
    public const string BroadcastsReceived = "socketio.server.broadcast.received";
    /// <summary>Counter <c>{packet}</c>: broadcast packets a gateway wrote to its local sockets.</summary>
    public const string BroadcastDeliveries = "socketio.server.broadcast.deliveries";

    /// <summary>Attribute: the Engine.IO transport, <c>polling</c> or <c>websocket</c>.</summary>
    public const string TransportTag = "socketio.transport";
    /// <summary>Attribute: the Engine.IO protocol version, <c>3</c> or <c>4</c>.</summary>
    public const string ProtocolVersionTag = "socketio.engineio.version";
    /// <summary>Attribute: the Socket.IO namespace, e.g. <c>/</c>.</summary>
    public const string NamespaceTag = "socketio.namespace";
    /// <summary>Attribute: the event's name (on spans only: client-chosen names would make unbounded metric series).</summary>
    public const string EventTag = "socketio.event";
    /// <summary>Attribute: the socket id (on spans only).</summary>
    public const string SocketIdTag = "socketio.socket.id";
    /// <summary>Attribute: why a packet was dropped.</summary>
    public const string DropReasonTag = "socketio.drop.reason";
    /// <summary>Attribute: the Engine.IO error code.</summary>
    public const string EngineIOErrorCodeTag = "socketio.engineio.error.code";
    /// <summary>Attribute: <c>connect</c>, <c>event</c> or <c>disconnect</c>.</summary>
    public const string HandlerKindTag = "socketio.handler.kind";

    /// <summary>Spans: <c>socketio.connect</c>/<c>socketio.event</c> on the gateway (Client kind: it calls the socket's
    /// grain), and <c>socketio.handle connect|event|disconnect</c> around the handler in the silo, its child across the
    /// grain call (Orleans activity propagation).</summary>
    internal static readonly ActivitySource Source = new(Name);
}
