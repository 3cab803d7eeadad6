namespace OrleansSocket.Gateway.Hosting;

/// <summary>
/// A start-up warm-up (<c>SocketIO:WarmUp</c>): once the host has started, the gateway opens WebSocket connections to
/// itself over loopback and runs the connect, event and ack paths through them, in rounds, until a round leaves the
/// JIT compilers of the gateway and of the silos that handled it with almost nothing left to compile. Its sockets
/// join a namespace of the library's own (<c>/orleanssocket-warm-up</c>) whose handlers only echo, so no application
/// handler or middleware runs; the gateway admits no other client to it. While it runs, the gateway answers clients
/// as usual and its readiness check (<c>AddSocketIOHealthChecks()</c>) reports "warming up", so a load balancer
/// that follows the check sends its traffic to a warm process. The warm-up's connections are counted in the
/// <c>socketio.*</c> metrics under their namespace.
/// </summary>
public sealed class WarmUpOptions
{
    /// <summary>Run the warm-up at start (default false).</summary>
    public bool Enabled { get; set; }

    /// <summary>Connections a round keeps open at once.</summary>
    public int Connections { get; set; } = 8;

    /// <summary>
    /// Connections a round opens in all, <see cref="Connections"/> at a time: each one connects, runs its events and
    /// disconnects, and the next takes its place.
    /// </summary>
    public int ConnectionsPerRound { get; set; } = 8;

    /// <summary>Acked events each connection of a round sends, one after the other.</summary>
    public int EventsPerConnection { get; set; } = 250;

    /// <summary>
    /// The warm-up ends after a round in which the gateway and the silos that answered it compiled at most this many
    /// methods together (and at least two rounds ran).
    /// </summary>
    public int SettledMethods { get; set; } = 50;

    /// <summary>
    /// After each round the warm-up waits until the gateway's JIT compiler has compiled nothing for this long (within
    /// <see cref="MaxDuration"/>), so that the methods the round made hot are re-compiled before the next round and
    /// before the gateway reports ready, not under its first clients. <see cref="TimeSpan.Zero"/> does not wait.
    /// </summary>
    public TimeSpan CompilerQuietPeriod { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The warm-up ends after this long whatever the compilers do; a failed round is retried until then.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromSeconds(30);
}
