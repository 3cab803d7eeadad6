using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Sessions;
using OrleansSocket.Grains.Adapters;

namespace OrleansSocket.Testing;

/// <summary>
/// A gateway without HTTP, held by the test cluster's client: the gateway's own <see cref="SocketIOServer"/> (client
/// sessions, namespace sockets, the observer grains call), its sockets attached to the test server's adapter as one
/// node (<see cref="SocketIOAdapter.AttachNodeAsync"/>). Only the Engine.IO transport is replaced, by in-memory
/// connections (<see cref="TestConnection"/>).
/// </summary>
internal sealed class TestGateway
{
    private readonly IAdapterNodeHandle _node;

    private TestGateway(SocketIOServer server, IAdapterNodeHandle node)
    {
        Server = server;
        _node = node;
    }

    /// <summary>Unique per test gateway: grains address it by this id.</summary>
    public string Id => Server.GatewayId;

    /// <summary>The gateway's real Socket.IO server: what the test connections open their sessions on.</summary>
    public SocketIOServer Server { get; }

    /// <param name="client">The cluster's client: the gateway's grain factory and services.</param>
    /// <param name="adapter">The adapter the gateway's sockets attach to.</param>
    /// <param name="silo">The silo's services: as in a gateway co-hosting its silo, what the silo reports socket
    /// activity to (the Admin UI's development mode) hears of the broadcasts this gateway writes too.</param>
    /// <param name="batchEvents">Send client events in batches (<see cref="EventBatchingMode.Enabled"/>), as a thin gateway can.</param>
    /// <param name="eventLink">With <paramref name="batchEvents"/>: the batches go over the silo's event link
    /// (<see cref="EventBatchTransport.EventLink"/>).</param>
    public static async Task<TestGateway> StartAsync(IClusterClient client, SocketIOAdapter adapter, IServiceProvider silo, bool batchEvents = false,
        bool eventLink = false)
    {
        var loggers = client.ServiceProvider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        // The gateway's instruments as a gateway host has them (the client's AddSocketIOEmitter() adds them).
        var options = new SocketIOOptions { EventBatching = { Mode = batchEvents ? EventBatchingMode.Enabled : EventBatchingMode.Disabled } };
        if (eventLink) options.EventBatching.Transport = EventBatchTransport.EventLink;
        var server = new SocketIOServer(client, Options.Create(options), loggers, meters: client.ServiceProvider.GetService<SocketIOMeters>(),
            activity: silo.GetService<Grains.Sockets.ISocketActivity>(), serializer: client.ServiceProvider.GetService<Orleans.Serialization.Serializer>());
        return new TestGateway(server, await adapter.AttachNodeAsync(server.Index));
    }

    public async Task StopAsync()
    {
        await _node.DisposeAsync();
        if (Server.EventLink is { } link) await link.DisposeAsync();
    }

    /// <summary>Completes once what the adapter sent this gateway before the call has been delivered.</summary>
    public Task FlushAsync(TimeSpan timeout) => _node.FlushAsync(timeout);
}
