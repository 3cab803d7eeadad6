using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansSocket;

/// <summary>Silo-side setup: the grains, the application's handlers and the stream provider they fan out through.</summary>
public static class SocketIOSiloBuilderExtensions
{
    /// <summary>The name of the Orleans stream provider rooms and namespaces publish to gateways on.</summary>
    public const string StreamProvider = GatewayStreams.Provider;

    /// <summary>The grain storage Orleans keeps stream subscriptions in (the name Orleans' streams look up).</summary>
    public const string PubSubStore = "PubSubStore";

    /// <summary>
    /// Hosts OrleansSocket's grains in this silo with the application's handlers, e.g.
    /// <c>silo.AddSocketIO(io =&gt; io.AddHandlers&lt;ChatHandlers&gt;())</c>. Handlers may also be
    /// added with <c>services.AddSocketIOHandlers(...)</c>. Also registers <see cref="ISocketIO"/>, and sets the
    /// per-placement log categories to Warning unless the application's logging configuration names them.
    /// </summary>
    public static ISiloBuilder AddSocketIO(this ISiloBuilder silo, Action<ISocketIOBuilder>? configure = null)
    {
        silo.Services.AddSocketIOHandlers(configure ?? (_ => { }));
        silo.Services.AddSocketIOEmitter();
        // Trace context across grain calls: the gateway's span is the parent of the handler's (SocketIOInstrumentation).
        silo.AddActivityPropagation();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddDefaultLogFilters();
        // Memory streams need a pub-sub store. In one process memory storage is enough; a cluster configures a
        // durable one first (Redis, in UseSocketIOCluster), which this leaves in place.
        if (!silo.Services.Any(s => s.IsKeyedService && s.ServiceType == typeof(Orleans.Storage.IGrainStorage) && Equals(s.ServiceKey, PubSubStore)))
            silo.AddMemoryGrainStorage(PubSubStore);
        var streams = silo.Configuration.GetSection(SocketIOStreamOptions.Section).Get<SocketIOStreamOptions>() ?? new();
        silo.AddMemoryStreams(StreamProvider, b =>
        {
            b.ConfigurePartitioning(streams.Queues);
            b.ConfigurePullingAgent(o => o.Configure(a =>
            {
                a.GetQueueMsgsTimerPeriod = streams.PullPeriod;
                a.BatchContainerBatchSize = streams.BatchSize;
            }));
        });
        return silo;
    }
}
