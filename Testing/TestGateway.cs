using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OrleansSocket.Gateway.Fanout;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Testing;

/// <summary>
/// A gateway without HTTP, held by the test cluster's client: the gateway's own <see cref="SocketIOServer"/> (client
/// sessions, namespace sockets, the observer grains call) and <see cref="BroadcastDelivery"/>, fed by its own
/// broadcast stream <see cref="GatewayStreams.For"/>. Only the Engine.IO transport is replaced, by in-memory
/// connections (<see cref="TestConnection"/>).
/// </summary>
internal sealed class TestGateway
{
    /// <summary>Marks the flush messages this gateway sends itself; no real namespace starts with a NUL.</summary>
    private const string FlushMarker = "\0flush";

    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _flushes = new();
    private readonly ILogger _logger;
    private readonly BroadcastDelivery _delivery;
    private readonly IAsyncStream<GatewayBroadcast> _stream;
    private StreamSubscriptionHandle<GatewayBroadcast>? _subscription;

    private TestGateway(IClusterClient client)
    {
        var loggers = client.ServiceProvider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        _logger = loggers.CreateLogger<TestGateway>();
        Server = new SocketIOServer(client, Options.Create(new SocketIOOptions()), loggers);
        _delivery = new BroadcastDelivery(Server, client, loggers.CreateLogger<BroadcastDelivery>());
        _stream = client.GetStreamProvider(GatewayStreams.Provider).GetStream<GatewayBroadcast>(GatewayStreams.For(Id));
    }

    /// <summary>Unique per test gateway: grains address it by this id.</summary>
    public string Id => Server.GatewayId;

    /// <summary>The gateway's real Socket.IO server: what the test connections open their sessions on.</summary>
    public SocketIOServer Server { get; }

    public static async Task<TestGateway> StartAsync(IClusterClient client)
    {
        var gateway = new TestGateway(client);
        gateway._subscription = await gateway._stream.SubscribeAsync(gateway.OnNext);
        return gateway;
    }

    public async Task StopAsync()
    {
        if (_subscription is { } subscription) await subscription.UnsubscribeAsync();
    }

    /// <summary>Completes once every broadcast published to this gateway before the call has been delivered:
    /// the marker travels the same stream (one queue, in order) behind them.</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        var id = Guid.NewGuid();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _flushes[id] = done;
        try
        {
            await _stream.OnNextAsync(new GatewayBroadcast(FlushMarker, [id.ToString("N")], [],
                new OutboundPacket(FlushMarker, "flush", SocketPayload.Empty)));
            await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Test gateway {Id}: its broadcast stream delivered nothing within {timeout.TotalMilliseconds} ms.");
        }
        finally
        {
            _flushes.TryRemove(id, out _);
        }
    }

    private Task OnNext(GatewayBroadcast broadcast, StreamSequenceToken? token)
    {
        if (broadcast.Namespace == FlushMarker)
        {
            if (Guid.TryParse(broadcast.Rooms[0], out var id) && _flushes.TryGetValue(id, out var done)) done.TrySetResult();
            return Task.CompletedTask;
        }
        try
        {
            return _delivery.Deliver(broadcast);
        }
        catch (Exception e)
        {
            // One bad broadcast must not end the subscription for every later one.
            _logger.LogError(e, "Test gateway {Gateway}: delivering a broadcast to {Namespace} failed", Id, broadcast.Namespace);
            return Task.CompletedTask;
        }
    }
}
