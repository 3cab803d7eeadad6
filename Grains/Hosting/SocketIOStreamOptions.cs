namespace OrleansSocket;

/// <summary>
/// How broadcasts travel from the silos to the gateways (Orleans memory streams), bound from
/// <c>SocketIO:Streams</c>. Memory streams are pulled: the period trades broadcast latency for idle CPU
/// (measured here: p50 51 ms at the Orleans default of 100 ms, 7 ms at 10 ms, 4 ms at 1 ms; idle silo
/// CPU 3 / 8 / 19 % of a core with the default 8 queues). Fewer queues cost less idle CPU.
/// </summary>
public sealed class SocketIOStreamOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "SocketIO:Streams";

    /// <summary>How often each queue is pulled.</summary>
    public TimeSpan PullPeriod { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Stream messages handed to a gateway per delivery (raises throughput between processes).</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>
    /// Memory stream queues (each is pulled every <see cref="PullPeriod"/>, so each costs idle CPU: measured
    /// embedded, 2 queues 5.5-6.2 % of a core idle, 1 queue 4.0-4.7 %). The queues' pulling agents are spread over
    /// the silos: with several silos, as many queues as silos spreads the broadcast work.
    /// </summary>
    public int Queues { get; set; } = 1;
}
