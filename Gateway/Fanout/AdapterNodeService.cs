using OrleansSocket.Gateway.Sessions;
using OrleansSocket.Grains.Adapters;

namespace OrleansSocket.Gateway.Fanout;

/// <summary>
/// Attaches this gateway's sockets (<see cref="SocketIOServer.Index"/>) to the process's <see cref="SocketIOAdapter"/>
/// when the host starts, so that what the adapter sends them reaches them (the Orleans adapter subscribes the gateway's
/// broadcast stream), and detaches them when it stops.
/// </summary>
internal sealed class AdapterNodeService(SocketIOServer server, SocketIOAdapter adapter) : IHostedService
{
    private IAdapterNodeHandle? _handle;

    public async Task StartAsync(CancellationToken cancellationToken) => _handle = await adapter.AttachNodeAsync(server.Index);

    /// <summary>After a silo failure: makes sure the gateway still receives its broadcasts.</summary>
    public Task RecoverAsync() => _handle?.RecoverAsync() ?? Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_handle is { } handle) await handle.DisposeAsync();
        _handle = null;
    }
}
