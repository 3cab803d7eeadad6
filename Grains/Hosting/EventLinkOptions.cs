namespace OrleansSocket;

/// <summary>
/// A silo's event link (<c>SocketIO:EventLink</c>): a TCP listener that takes a thin gateway's batches of client events
/// (<c>SocketIO:EventBatching:Transport</c> <c>EventLink</c> on the gateway) without a grain call each, and answers each
/// batch's outcomes on the same connection. Gateways find it through the cluster (the silo's link grain), so the port may
/// be chosen at start. It trusts its peers as the silo's own ports do (any peer may send events for any socket): expose
/// it only where the silo's gateway port is exposed.
/// </summary>
public sealed class EventLinkOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "SocketIO:EventLink";

    /// <summary>Listen for gateways' batches (default false: batches come by grain call).</summary>
    public bool Enabled { get; set; }

    /// <summary>The IP address to listen on; unset: every address, advertised as the silo's own address.</summary>
    public string? ListenAddress { get; set; }

    /// <summary>The TCP port; 0 (the default): a free port chosen at start and advertised through the cluster.</summary>
    public int Port { get; set; }

    /// <summary>The largest batch a gateway may send, in bytes as serialized; a larger one closes its connection.</summary>
    public int MaxFrameBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Batches of one connection running at once; the connection's next batch is read only when one is answered, so a
    /// connection holds at most this many batches and answers (gateways send at most
    /// <c>SocketIO:EventBatching:MaxInFlight</c>).
    /// </summary>
    public int MaxBatchesInFlight { get; set; } = 16;

    /// <summary>Connections open at once (one per gateway); more are closed as they come.</summary>
    public int MaxConnections { get; set; } = 256;
}
