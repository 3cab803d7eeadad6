using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Storage;
using OrleansSocket;
using OrleansSocket.Grains.Streaming;

namespace Microsoft.Extensions.Hosting;

/// <summary>Silo-side setup: <c>builder.UseOrleans(silo =&gt; silo.AddSocketIOGrains())</c>.</summary>
public static class SocketIOSiloBuilderExtensions
{
    /// <summary>The grain storage Orleans keeps stream subscriptions in (the name Orleans' streams look up).</summary>
    internal const string PubSubStore = ClusterHostingExtensions.PubSubStore;

    /// <summary>
    /// Hosts OrleansSocket's grains in this silo; they run the handlers declared on the returned builder or on
    /// <c>services.AddSocketIO()</c> of the same process (a gateway co-hosting its silo), e.g.
    /// <c>silo.AddSocketIOGrains().AddHandlers&lt;ChatHandlers&gt;()</c>. Also registers <see cref="ISocketIO"/>, the
    /// broadcast stream provider and, unless Orleans' <c>Orleans:Clustering</c> keys configure it, the clustering of
    /// the <c>Cluster</c> section (localhost by default). Sets the per-placement log categories to Warning unless the
    /// application's logging configuration names them.
    /// </summary>
    public static ISocketIOServerBuilder AddSocketIOGrains(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.UseSocketIOClustering();
        return silo.AddSocketIOGrainsCore();
    }

    /// <summary><see cref="AddSocketIOGrains"/> without clustering, for silos whose host configures it (TestingHost).</summary>
    /// <param name="silo">The silo.</param>
    internal static ISocketIOServerBuilder AddSocketIOGrainsCore(this ISiloBuilder silo)
    {
        silo.Services.AddSocketIOHandlers(_ => { });
        silo.Services.AddSocketIOEmitter();
        // The Admin UI's admin namespace runs here when the application calls AddAdminUI (before or after this).
        OrleansSocket.Grains.Admin.AdminUISiloRegistration.Register(silo.Services);
        // Orleans' grain call spans only when asked for: the gateway's span is the parent of the handler's without them
        // (the trace context travels in the RequestContext), and their filters cost every event's call.
        if (silo.Configuration.GetValue(OrleansClusterOptions.ActivityPropagationKey, false)) silo.AddActivityPropagation();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<OrleansSocket.Grains.Sockets.SocketGrainsHere>();
        silo.Services.AddEventLink();
        silo.Services.AddDefaultLogFilters();
        silo.Services.AddSocketIOStreamOptions();
        // Memory streams need a pub-sub store. In one process memory storage is enough; a cluster configures a
        // durable one first (Redis, in UseSocketIOClustering, or Orleans:GrainStorage:PubSubStore), which this leaves in place.
        if (!silo.Services.Any(s => s.IsKeyedService && s.ServiceType == typeof(Orleans.Storage.IGrainStorage) && Equals(s.ServiceKey, PubSubStore))
            && string.IsNullOrEmpty(silo.Configuration[$"Orleans:GrainStorage:{PubSubStore}:ProviderType"]))
        {
            silo.Services.AddPubSubStoreSerializer();
            silo.AddMemoryGrainStorage(PubSubStore, (OptionsBuilder<MemoryGrainStorageOptions> options) => options.Configure<IServiceProvider>(
                (o, services) => o.GrainStorageSerializer = services.GetRequiredKeyedService<IGrainStorageSerializer>(PubSubStoreSerializer.ServiceKey)));
        }
        // Orleans:Streaming:SocketIO configures the broadcast stream provider the Orleans way instead.
        if (string.IsNullOrEmpty(silo.Configuration[$"Orleans:Streaming:{GatewayStreams.Provider}:ProviderType"]))
        {
            // Orleans' memory streams (what AddMemoryStreams registers), their queues pulled with back-off while empty.
            var streams = silo.Configuration.GetSocketIOStreamOptions();
            var configurator = new SiloRecoverableStreamConfigurator(GatewayStreams.Provider, d => silo.ConfigureServices(d),
                (services, name) => new BackOffQueueAdapterFactory(
                    MemoryAdapterFactory<DefaultMemoryMessageBodySerializer>.Create(services, name), streams,
                    services.GetRequiredService<TimeProvider>(), services.GetRequiredService<IGrainFactory>(),
                    services.GetRequiredService<ILoggerFactory>().CreateLogger<BackOffQueueReceiver>()));
            configurator.ConfigureDelegate(services => services.ConfigureNamedOptionForLogging<HashRingStreamQueueMapperOptions>(GatewayStreams.Provider));
            configurator.Configure<HashRingStreamQueueMapperOptions>(o => o.Configure(q => q.TotalQueueCount = streams.Queues));
            configurator.ConfigurePullingAgent(o => o.Configure(a =>
            {
                a.GetQueueMsgsTimerPeriod = streams.PullPeriod;
                a.BatchContainerBatchSize = streams.BatchSize;
            }));
        }
        return new SocketIOServerBuilder(silo.Services);
    }

    /// <summary>The silo's event link (<c>SocketIO:EventLink</c>): listens only when enabled; its endpoint is always there to ask.</summary>
    private static void AddEventLink(this IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(OrleansSocket.Grains.Sockets.EventLinkListener))) return;
        services.AddSingleton<OrleansSocket.Grains.Sockets.EventLinkEndpoint>();
        services.AddOptions<EventLinkOptions>().BindConfiguration(EventLinkOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<EventLinkOptions>, EventLinkOptionsValidator>();
        services.AddSingleton<OrleansSocket.Grains.Sockets.EventLinkListener>();
        services.AddHostedService(sp => sp.GetRequiredService<OrleansSocket.Grains.Sockets.EventLinkListener>());
    }
}
