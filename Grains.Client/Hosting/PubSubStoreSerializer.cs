using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansSocket;

/// <summary>
/// How the pub-sub store (<see cref="ClusterHostingExtensions.PubSubStore"/>: which gateway subscribed to which
/// broadcast stream) serializes its state: with Orleans' own serializer, whose codecs the silo has loaded anyway,
/// instead of Orleans' default for grain storage (Newtonsoft.Json), whose first use builds its contracts by reflection
/// and loads three more assemblies on the way to a fresh gateway's first connection (docs/performance.md, "Cold start
/// of the cluster shapes"). Reads fall back to the application's default grain storage serializer, so that state a
/// durable store (Redis) holds from before still loads. The application's own grains keep their storage's serializer.
/// </summary>
internal static class PubSubStoreSerializer
{
    /// <summary>The key of the serializer among the keyed <see cref="IGrainStorageSerializer"/> services (Orleans'
    /// storage providers read it from their section's <c>SerializerKey</c>).</summary>
    internal const string ServiceKey = "OrleansSocket.PubSubStore";

    /// <summary>Registers the serializer under <see cref="ServiceKey"/> (once).</summary>
    /// <param name="services">The silo's services.</param>
    internal static IServiceCollection AddPubSubStoreSerializer(this IServiceCollection services)
    {
        services.TryAddKeyedSingleton<IGrainStorageSerializer>(ServiceKey, (sp, _) => new GrainStorageSerializer(
            new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()),
            new DeferredSerializer(() => sp.GetRequiredService<IGrainStorageSerializer>())));
        return services;
    }

    /// <summary>The fallback, resolved on its first use: only state written before needs it.</summary>
    private sealed class DeferredSerializer(Func<IGrainStorageSerializer> resolve) : IGrainStorageSerializer
    {
        private readonly Lazy<IGrainStorageSerializer> _serializer = new(resolve);

        public BinaryData Serialize<T>(T? input) => _serializer.Value.Serialize(input);

        public T? Deserialize<T>(BinaryData input) => _serializer.Value.Deserialize<T>(input);
    }
}
