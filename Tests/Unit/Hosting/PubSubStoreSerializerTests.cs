using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Persistence;
using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansSocket.Tests.Hosting;

/// <summary>
/// The streams' pub-sub store serializes with Orleans' own serializer (not Newtonsoft.Json, whose first use is costly
/// in a fresh process), in memory and in Redis, and still reads state the default serializer wrote before.
/// </summary>
public sealed class PubSubStoreSerializerTests
{
    private static readonly Dictionary<string, int> State = new() { ["gateway-a"] = 1, ["gateway-b"] = 2 };

    private static IHost Silo(params KeyValuePair<string, string?>[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => silo.AddSocketIOGrains());
        return builder.Build();
    }

    private static void AssertWritesOrleansBinary(IServiceProvider services, IGrainStorageSerializer serializer)
    {
        var expected = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()).Serialize(State);
        var written = serializer.Serialize(State);
        Assert.Equal(expected.ToArray(), written.ToArray());
        Assert.Equal(State, serializer.Deserialize<Dictionary<string, int>>(written));
    }

    [Fact]
    public void The_memory_pub_sub_store_writes_with_Orleans_serializer()
    {
        using var host = Silo();
        var options = host.Services.GetRequiredService<IOptionsMonitor<MemoryGrainStorageOptions>>().Get(ClusterHostingExtensions.PubSubStore);
        AssertWritesOrleansBinary(host.Services, options.GrainStorageSerializer);
    }

    [Fact]
    public void The_Redis_pub_sub_store_writes_with_Orleans_serializer_and_reads_what_the_default_serializer_wrote()
    {
        using var host = Silo(new("Cluster:Clustering", "Redis"), new("Cluster:RedisConnectionString", "127.0.0.1:6379"));
        var serializer = host.Services.GetRequiredService<IOptionsMonitor<RedisStorageOptions>>().Get(ClusterHostingExtensions.PubSubStore).GrainStorageSerializer;
        AssertWritesOrleansBinary(host.Services, serializer);

        var before = host.Services.GetRequiredService<IGrainStorageSerializer>();
        Assert.IsType<JsonGrainStorageSerializer>(before);
        Assert.Equal(State, serializer.Deserialize<Dictionary<string, int>>(before.Serialize(State)));
    }

    [Fact]
    public void The_application_default_grain_storage_serializer_is_left_alone()
    {
        using var host = Silo();
        Assert.IsType<JsonGrainStorageSerializer>(host.Services.GetRequiredService<IGrainStorageSerializer>());
    }
}
