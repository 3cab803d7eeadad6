using OrleansSocket.Gateway.Sessions;
using OrleansSocket.Grains.Adapters;

namespace OrleansSocket.Gateway.Fanout;

/// <summary>
/// Attaches this gateway's sockets (<see cref="SocketIOServer.Index"/>) to the process's <see cref="SocketIOAdapter"/>
/// when the host has started, so that what the adapter sends them reaches them (the Orleans adapter subscribes the
/// gateway's broadcast stream), and detaches them when it begins stopping.
/// </summary>
/// <remarks>
/// Attaches in <see cref="StartedAsync"/> and detaches in <see cref="StoppingAsync"/>, not in
/// <c>StartAsync</c>/<c>StopAsync</c>: the co-hosted silo or Orleans client is a hosted service too, and
/// <c>AddSocketIO()</c> may be called before <c>UseOrleans</c>/<c>UseOrleansClient</c>, so it may start after this
/// one and stop before it.
/// </remarks>
internal sealed class AdapterNodeService(SocketIOServer server, SocketIOAdapter adapter) : IHostedLifecycleService
{
    private IAdapterNodeHandle? _handle;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken) => _handle = await adapter.AttachNodeAsync(server.Index);

    /// <summary>After a silo failure: makes sure the gateway still receives its broadcasts.</summary>
    public Task RecoverAsync() => _handle?.RecoverAsync() ?? Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (_handle is { } handle) await handle.DisposeAsync();
        _handle = null;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
