using Microsoft.Extensions.Options;

namespace OrleansSocket.Grains.Recovery;

/// <summary>One namespace's <see cref="RecoveryLog"/> in the cluster (key: the namespace).</summary>
internal sealed class RecoveryLogGrain(IOptions<ConnectionStateRecoveryOptions> options, TimeProvider time) : Grain, IRecoveryLogGrain
{
    private readonly RecoveryLog _log = new(options.Value.MaxDisconnectionDuration, time);

    public Task<OutboundPacket> Append(string[] rooms, string[] except, OutboundPacket packet) =>
        Task.FromResult(_log.Append(rooms, except, packet));

    public Task<OutboundPacket[]?> Since(string offset, string[] rooms) => Task.FromResult(_log.Since(offset, rooms));
}
