namespace OrleansSocket.Gateway.Hosting;

/// <summary>Whether a gateway sends its client events to the silos in batches (<see cref="EventBatchingOptions"/>).</summary>
public enum EventBatchingMode
{
    /// <summary>Batched where the gateway is an Orleans client of separate silos (a thin gateway); direct grain calls
    /// where a silo runs in the gateway's process (embedded, co-hosted), where a call does not cross the network.</summary>
    Auto,

    /// <summary>Always batched.</summary>
    Enabled,

    /// <summary>One grain call per event (the default: batches were measured to cost no less, with a longer tail at high rates; docs/performance.md).</summary>
    Disabled,
}

/// <summary>How a gateway's batches reach the silos (<see cref="EventBatchingOptions.Transport"/>).</summary>
public enum EventBatchTransport
{
    /// <summary>One Orleans grain call per batch (the default).</summary>
    GrainCall,

    /// <summary>
    /// A silo's event link (<c>SocketIO:EventLink</c> on the silo): one TCP connection, a frame per batch and per answer,
    /// no Orleans message. While no silo offers one, or it cannot be reached, batches go by grain call.
    /// </summary>
    EventLink,
}

/// <summary>
/// Client events of many sockets travel to the silos in batches, one grain call per batch
/// (<c>SocketIO:EventBatching</c>). A batch is sent at once when none is in flight, so a lone event waits for no
/// timer; events that arrive while batches are in flight wait for one to return and go together, up to
/// <see cref="MaxEvents"/> and <see cref="MaxBytes"/> per batch; at those bounds another batch goes, up to
/// <see cref="MaxInFlight"/> at a time. Each event waiting for a batch is still charged to its connection's inbound
/// bound (<see cref="SocketIOOptions.MaxInboundPackets"/>, <see cref="SocketIOOptions.MaxInboundBytes"/>), so these
/// options bound the size of a call, not the gateway's memory.
/// </summary>
public sealed class EventBatchingOptions
{
    /// <summary>When batching is on (default <see cref="EventBatchingMode.Disabled"/>: one grain call per event).</summary>
    public EventBatchingMode Mode { get; set; } = EventBatchingMode.Disabled;

    /// <summary>
    /// Most events in one batch. A socket's queued events (at most <see cref="SocketIOOptions.MaxEventsPerSocketCall"/>)
    /// are not split: set below that, a batch whose first socket has more queued holds that socket's events alone.
    /// </summary>
    public int MaxEvents { get; set; } = 256;

    /// <summary>Most payload bytes (as received) in one batch; a larger event goes in a batch of its own.</summary>
    public long MaxBytes { get; set; } = 256 * 1024;

    /// <summary>Most batches in flight at once; more events wait for one to return.</summary>
    public int MaxInFlight { get; set; } = 4;

    /// <summary>How batches reach the silos (default <see cref="EventBatchTransport.GrainCall"/>).</summary>
    public EventBatchTransport Transport { get; set; } = EventBatchTransport.GrainCall;

    /// <summary>
    /// The largest answer to a batch read from an event link, in bytes as serialized (the handlers' acks of the batch's
    /// events); a larger one closes the link's connection and fails the batches in flight on it.
    /// </summary>
    public int MaxAnswerBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long batches go by grain call after no event link could be found or connected, before it is tried again.</summary>
    public TimeSpan EventLinkRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}
