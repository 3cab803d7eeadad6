using Microsoft.Extensions.Logging;
using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace OrleansSocket.Grains.Sockets;

/// <summary>
/// Runs the silo's event link while the host runs (when <see cref="EventLinkOptions.Enabled"/>): the batches it takes go
/// to this silo's <see cref="SocketLink"/>, as those of <see cref="ISocketLinkGrain.HandleEvents"/> do, and its endpoint is
/// what <see cref="ISocketLinkGrain.GetEventLinkEndpoint"/> answers.
/// </summary>
internal sealed class EventLinkListener(IOptions<EventLinkOptions> options, EventLinkEndpoint endpoint, ILocalSiloDetails silo,
    SocketGrainsHere here, IGrainFactory grains, Serializer serializer, ILogger<EventLinkListener> logger) : IHostedService, IAsyncDisposable
{
    private EventLinkServer? _server;

    /// <summary>The running link, or null (disabled, or not started).</summary>
    internal EventLinkServer? Server => _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled) return Task.CompletedTask;
        var link = new SocketLink(here, grains);
        var server = new EventLinkServer(o, link.HandleEventsAsync, serializer, logger);
        var listen = o.ListenAddress is { } address ? IPAddress.Parse(address) : IPAddress.Any;
        var bound = server.Start(new IPEndPoint(listen, o.Port));
        _server = server;
        var advertised = new IPEndPoint(listen.Equals(IPAddress.Any) ? silo.SiloAddress.Endpoint.Address : listen, bound.Port);
        endpoint.Address = advertised.ToString();
        EventLinkLog.Listening(logger, bound, endpoint.Address);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        endpoint.Address = null;
        if (Interlocked.Exchange(ref _server, null) is { } server) await server.DisposeAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));
}
