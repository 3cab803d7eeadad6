using OrleansSocket.Grains.Adapters;

namespace OrleansSocket.Testing;

/// <summary>Options of <see cref="SocketIOTestServer.StartAsync"/>.</summary>
public sealed class SocketIOTestServerOptions
{
    /// <summary>
    /// How many test gateways the clients are spread over (round robin, see <see cref="SocketIOTestClient.GatewayId"/>).
    /// One is enough for handler tests; with two or more, broadcasts, user emits and broadcast acks reach several
    /// nodes, and <c>Local</c> operations of a socket reach only its own gateway, as in a cluster.
    /// </summary>
    public int Gateways { get; set; } = 1;

    /// <summary>How long <see cref="SocketIOTestClient.WaitForAsync"/> and the flush after each operation wait at most.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>More silo configuration (grain storage, other stream providers, ...), after <c>AddSocketIO</c>.</summary>
    public Action<ISiloBuilder>? ConfigureSilo { get; set; }

    /// <summary>Runs the gateways on the Orleans adapter (grains and per-gateway streams) instead of the in-process one:
    /// the kit's own specification of that adapter.</summary>
    internal bool OrleansAdapter { get; set; }

    /// <summary>The test gateways send client events to the silo in batches (<c>SocketIO:EventBatching:Mode=Enabled</c>), as
    /// a thin gateway does; false: one grain call per event, as a gateway co-hosting a silo does.</summary>
    internal bool BatchEvents { get; set; }

    /// <summary>With <see cref="BatchEvents"/>: the batches travel over the silo's event link (<c>SocketIO:EventLink</c>),
    /// not by grain call.</summary>
    internal bool EventLink { get; set; }

    /// <summary>With <see cref="OrleansAdapter"/>: the adapter the gateways attach to, made from the cluster's client;
    /// null: the client's own.</summary>
    internal Func<IClusterClient, SocketIOAdapter>? CreateAdapter { get; set; }
}
