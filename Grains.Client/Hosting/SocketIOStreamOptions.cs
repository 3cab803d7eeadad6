namespace OrleansSocket;

/// <summary>
/// How broadcasts travel from the silos to the gateways (Orleans memory streams), bound from
/// <c>SocketIO:Streams</c>. Memory streams are pulled: the period trades broadcast latency for idle CPU, and
/// fewer queues cost less idle CPU (the figures: docs/performance.md, "Broadcasts").
/// </summary>
public sealed class SocketIOStreamOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "SocketIO:Streams";

    /// <summary>
    /// How often each queue is pulled while messages flow (Orleans' <c>GetQueueMsgsTimerPeriod</c>): a broadcast queued
    /// between two pulls waits up to this long. An empty queue's pulls back off (<see cref="IdlePullPeriod"/>), so a short
    /// period costs CPU only while broadcasts flow.
    /// </summary>
    public TimeSpan PullPeriod { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// The longest time between two pulls of an empty queue: after two empty pulls the period doubles from
    /// <see cref="PullPeriod"/> up to this, so that an idle silo sleeps; a pull that finds messages goes back to
    /// <see cref="PullPeriod"/>. A broadcast ends the wait at once: published in the process that pulls its queue, through
    /// the queue's doorbell in the process; published in another process (another silo of a cluster, an Orleans client),
    /// through the queue's doorbell grain, which the pulling silo listens on while it waits. Equal to
    /// <see cref="PullPeriod"/>: no back-off. Unset: 1 s.
    /// </summary>
    public TimeSpan? IdlePullPeriod { get; set; }

    /// <summary>The idle pull period when <see cref="IdlePullPeriod"/> is unset.</summary>
    internal static readonly TimeSpan DefaultIdlePullPeriod = TimeSpan.FromSeconds(1);

    /// <summary><see cref="IdlePullPeriod"/>, or its default.</summary>
    internal TimeSpan IdlePullPeriodOrDefault => IdlePullPeriod ?? DefaultIdlePullPeriod;

    /// <summary>Stream messages handed to a gateway per delivery (raises throughput between processes).</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>
    /// Memory stream queues (each is pulled every <see cref="PullPeriod"/>, so each costs idle CPU; docs/performance.md,
    /// "What each change bought"). The queues' pulling agents are spread over the silos: with several silos, as many
    /// queues as silos spreads the broadcast work.
    /// </summary>
    public int Queues { get; set; } = 1;

    /// <summary>
    /// Broadcasts published in a process for a gateway of the same process (the embedded server, a co-hosted silo's own
    /// gateway) skip the stream and wait in that gateway's local queue: at most this many, counted until delivered. A
    /// broadcast that does not fit makes its publisher wait; a volatile one is dropped. 16 384 by default, as many as a
    /// memory stream queue holds.
    /// </summary>
    public int MaxLocalBroadcastQueueLength { get; set; } = 16_384;

    /// <summary>
    /// The bytes the broadcasts in that local queue may hold (their arguments, binary attachments and room names), counted
    /// until delivered; handled like <see cref="MaxLocalBroadcastQueueLength"/>. One broadcast larger than this gets in
    /// alone once the queue is empty. 64 MiB by default: 64 of the largest events a client may send (1 MB, Engine.IO's
    /// <c>MaxHttpBufferSize</c>), and where the length bound meets it at 4 KiB a broadcast.
    /// </summary>
    public long MaxLocalBroadcastQueueBytes { get; set; } = 64L * 1024 * 1024;
}
