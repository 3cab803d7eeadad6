using System.Collections.Concurrent;

namespace OrleansSocket.Grains.Sockets;

/// <summary>
/// The socket grain activations of this silo whose clients are on a thin gateway (another process), by socket id: the
/// gateway's <see cref="SocketLinkGrain"/> hands each event of a batch straight to the activation's scheduler instead of
/// making a grain call inside the silo.
/// </summary>
/// <remarks>
/// Why: a grain call between two activations of one silo costs a request message, its routing, the target's message
/// queue and an answer message, which made a batch dearer for the silo than one network call per event
/// (docs/performance.md, "Thin gateway: client events in batches"). Only sockets of thin gateways are listed: where the
/// gateway runs in the silo's process, its own socket holds the activation (<see cref="ILocalSocketGrain"/>).
/// </remarks>
internal sealed class SocketGrainsHere
{
    private readonly ConcurrentDictionary<string, LocalSocketGrain> _sockets = new(StringComparer.Ordinal);

    /// <summary>Lists <paramref name="grain"/> under <paramref name="socketId"/> (replacing an older activation's entry).</summary>
    public void Add(string socketId, LocalSocketGrain grain) => _sockets[socketId] = grain;

    /// <summary>Removes the entry of <paramref name="socketId"/> if it is still <paramref name="grain"/>'s.</summary>
    public void Remove(string socketId, LocalSocketGrain grain) => _sockets.TryRemove(new KeyValuePair<string, LocalSocketGrain>(socketId, grain));

    /// <summary>The activation of <paramref name="socketId"/> in this silo, or null.</summary>
    public LocalSocketGrain? Find(string socketId) => _sockets.TryGetValue(socketId, out var grain) ? grain : null;
}
