using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace OrleansSocket.Tests.Hosting;

/// <summary>Invalid options fail the host at start, before anything listens, with a message naming the key.</summary>
public sealed class OptionsValidationTests
{
    private static async Task<Exception> StartFailure(Action<WebApplicationBuilder> setup, params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        setup(builder);
        // The gateway's hosted services are built before the options are validated: they need Orleans' services
        // (an Orleans client here, which validation stops before it connects).
        builder.UseOrleansClient(client => client.AddSocketIOClient());
        await using var app = builder.Build();
        return await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
    }

    [Theory]
    [InlineData("SocketIO:Engine:PingInterval", "0")]
    [InlineData("SocketIO:Engine:MaxBufferedBytes", "0")]
    [InlineData("SocketIO:MaxInboundPackets", "0")]
    [InlineData("SocketIO:MaxEventsPerSocketCall", "0")]
    [InlineData("SocketIO:PostedEventTimeout", "00:00:00")]
    [InlineData("SocketIO:Parser:MaxDepth", "0")]
    [InlineData("SocketIO:EventBatching:MaxEvents", "0")]
    [InlineData("SocketIO:EventBatching:MaxBytes", "0")]
    [InlineData("SocketIO:EventBatching:MaxInFlight", "0")]
    [InlineData("SocketIO:EventBatching:MaxAnswerBytes", "0")]
    [InlineData("SocketIO:EventBatching:EventLinkRetryDelay", "00:00:00")]
    [InlineData("SocketIO:WarmUp:Connections", "0")]
    [InlineData("SocketIO:WarmUp:ConnectionsPerRound", "0")]
    [InlineData("SocketIO:WarmUp:EventsPerConnection", "0")]
    [InlineData("SocketIO:WarmUp:SettledMethods", "-1")]
    [InlineData("SocketIO:WarmUp:MaxDuration", "00:00:00")]
    [InlineData("SocketIO:WarmUp:CompilerQuietPeriod", "-00:00:00.001")]
    [InlineData("SocketIO:Path", "socket.io")]
    [InlineData("SocketIO:AdvertisedUrl", "not a url")]
    public async Task A_gateway_option_out_of_range_names_its_key(string key, string value)
    {
        var error = await StartFailure(b => b.Services.AddSocketIO(), (key, value));
        Assert.IsType<OptionsValidationException>(error);
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public async Task An_unknown_transport_names_the_key_and_the_value()
    {
        var error = await StartFailure(b => b.Services.AddSocketIO(), ("SocketIO:Engine:Transports:0", "carrier-pigeon"));
        Assert.Contains("SocketIO:Engine:Transports", error.Message);
        Assert.Contains("carrier-pigeon", error.Message);
    }

    [Fact]
    public async Task A_warm_up_needs_the_websocket_transport()
    {
        var error = await StartFailure(b => b.Services.AddSocketIO(), ("SocketIO:WarmUp:Enabled", "true"),
            ("SocketIO:Engine:Transports:0", "polling"));
        Assert.Contains("SocketIO:WarmUp:Enabled needs the \"websocket\" transport", error.Message);
    }

    [Fact]
    public async Task Options_set_in_code_are_validated_too()
    {
        var error = await StartFailure(b => b.Services.AddSocketIO(o => o.ConnectTimeout = TimeSpan.Zero));
        Assert.Contains("SocketIO:ConnectTimeout", error.Message);
    }

    [Fact]
    public void Redis_clustering_without_a_connection_string_names_the_key()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new("Cluster:Clustering", "Redis")]);
        var error = Assert.Throws<OptionsValidationException>(() => builder.UseOrleans(silo => silo.AddSocketIOGrains()));
        Assert.Contains("Cluster:RedisConnectionString", error.Message);
    }

    [Fact]
    public void An_unknown_clustering_provider_names_the_key()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new("Cluster:Clustering", "Zookeeper")]);
        var error = Assert.Throws<InvalidOperationException>(() => builder.UseOrleansClient(client => client.AddSocketIOClient()));
        Assert.Contains("Cluster:Clustering", error.Message);
    }

    [Theory]
    [InlineData("SocketIO:Streams:Queues", "0")]
    [InlineData("SocketIO:Streams:PullPeriod", "00:00:00")]
    [InlineData("SocketIO:Streams:IdlePullPeriod", "00:00:00.0019999")] // just under the default PullPeriod, 2 ms
    [InlineData("SocketIO:Streams:IdlePullPeriod", "00:01:00.001")]
    [InlineData("SocketIO:Streams:MaxLocalBroadcastQueueLength", "0")]
    [InlineData("SocketIO:Streams:MaxLocalBroadcastQueueLength", "-1")]
    [InlineData("SocketIO:Streams:MaxLocalBroadcastQueueBytes", "0")]
    [InlineData("SocketIO:Streams:MaxLocalBroadcastQueueBytes", "-1")]
    public void A_stream_option_out_of_range_names_its_key(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new(key, value)]);
        var error = Assert.Throws<OptionsValidationException>(() => builder.UseOrleans(silo => silo.AddSocketIOGrains()));
        Assert.Contains(key, error.Message);
    }

    [Theory]
    [InlineData("SocketIO:EventLink:Port", "-1")]
    [InlineData("SocketIO:EventLink:Port", "65536")]
    [InlineData("SocketIO:EventLink:ListenAddress", "not an address")]
    [InlineData("SocketIO:EventLink:MaxFrameBytes", "0")]
    [InlineData("SocketIO:EventLink:MaxBatchesInFlight", "0")]
    [InlineData("SocketIO:EventLink:MaxConnections", "0")]
    public async Task A_silos_event_link_option_out_of_range_fails_its_start_naming_the_key(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new("SocketIO:EventLink:Enabled", "true"), new(key, value)]);
        builder.UseOrleans(silo => silo.AddSocketIOGrains());
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(key, error.Message);
    }

    [Theory]
    [InlineData("SocketIO:Streams:MaxLocalBroadcastQueueLength")]
    [InlineData("SocketIO:Streams:MaxLocalBroadcastQueueBytes")]
    public void A_gateway_client_refuses_a_local_broadcast_queue_bound_below_one(string key)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new(key, "0")]);
        var error = Assert.Throws<OptionsValidationException>(() => builder.UseOrleansClient(client => client.AddSocketIOClient()));
        Assert.Contains($"{key} must be at least 1 (was 0).", error.Message);
    }

    [Theory]
    [InlineData("Cluster:DirectoryCacheSize", "0")]
    public void A_directory_cache_option_out_of_range_names_its_key(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new(key, value)]);
        var error = Assert.Throws<OptionsValidationException>(() => builder.UseOrleans(silo => silo.AddSocketIOGrains()));
        Assert.Contains(key, error.Message);
    }

    [Theory]
    [InlineData(null, 100_000)]
    [InlineData("1", 1)]
    [InlineData("250000", 250_000)]
    public void The_directory_cache_is_bounded_by_the_Cluster_section(string? size, int expectedSize)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (size is not null) builder.Configuration.AddInMemoryCollection([new("Cluster:DirectoryCacheSize", size)]);
        builder.UseOrleans(silo => silo.AddSocketIOGrains());
        using var host = builder.Build();
        var directory = host.Services.GetRequiredService<IOptions<Orleans.Configuration.GrainDirectoryOptions>>().Value;
        Assert.Equal(expectedSize, directory.CacheSize);
    }

    [Fact]
    public void Orleans_standard_clustering_keys_leave_clustering_to_Orleans()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([
            new("Orleans:Clustering:ProviderType", "Redis"),
            new("Orleans:Clustering:ConnectionString", "127.0.0.1:6379"),
            new("Orleans:ClusterId", "from-orleans"),
            new("Orleans:GrainStorage:PubSubStore:ProviderType", "Redis"),
            new("Orleans:GrainStorage:PubSubStore:ConnectionString", "127.0.0.1:6379"),
            new("Orleans:Streaming:SocketIO:ProviderType", "Memory"),
        ]);
        builder.UseOrleans(silo => silo.AddSocketIOGrains());
        using var host = builder.Build();
        var cluster = host.Services.GetRequiredService<IOptions<Orleans.Configuration.ClusterOptions>>().Value;
        Assert.Equal("from-orleans", cluster.ClusterId);
        Assert.Equal("Orleans.Clustering.Redis.RedisMembershipTable",
            host.Services.GetRequiredService<Orleans.IMembershipTable>().GetType().FullName);
        Assert.Equal("Orleans.Persistence.RedisGrainStorage",
            host.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>("PubSubStore").GetType().FullName);
        Assert.NotNull(host.Services.GetRequiredKeyedService<Orleans.Streams.IStreamProvider>(GatewayStreams.Provider));
    }

    [Fact]
    public void Redis_in_the_Cluster_section_configures_Orleans_Redis_providers_on_a_silo()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([
            new("Cluster:Clustering", "Redis"),
            new("Cluster:RedisConnectionString", "127.0.0.1:6379"),
        ]);
        builder.UseOrleans(silo => silo.AddSocketIOGrains());
        using var host = builder.Build();
        Assert.Equal("Orleans.Clustering.Redis.RedisMembershipTable",
            host.Services.GetRequiredService<Orleans.IMembershipTable>().GetType().FullName);
        Assert.Equal("Orleans.Persistence.RedisGrainStorage",
            host.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>("PubSubStore").GetType().FullName);
    }

    [Fact]
    public void Redis_in_the_Cluster_section_configures_Orleans_Redis_gateway_list_on_a_client()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([
            new("Cluster:Clustering", "Redis"),
            new("Cluster:RedisConnectionString", "127.0.0.1:6379"),
        ]);
        builder.UseOrleansClient(client => client.AddSocketIOClient());
        using var host = builder.Build();
        Assert.Equal("Orleans.Clustering.Redis.RedisGatewayListProvider",
            host.Services.GetRequiredService<Orleans.Messaging.IGatewayListProvider>().GetType().FullName);
    }

    [Fact]
    public void Redis_clustering_without_the_provider_package_names_the_package()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            RedisProviders.Find<IClientBuilder>("Client", "Clustering", "Orleans.Clustering.Nowhere", "Microsoft.Orleans.Clustering.Nowhere"));
        Assert.Contains("dotnet add package Microsoft.Orleans.Clustering.Nowhere", error.Message);
    }

    [Fact]
    public void Without_Orleans_keys_the_Cluster_section_sets_the_ids_and_localhost_clustering()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new("Cluster:ClusterId", "from-cluster-section")]);
        builder.UseOrleans(silo => silo.AddSocketIOGrains());
        using var host = builder.Build();
        Assert.Equal("from-cluster-section", host.Services.GetRequiredService<IOptions<Orleans.Configuration.ClusterOptions>>().Value.ClusterId);
        var endpoints = host.Services.GetRequiredService<IOptions<Orleans.Configuration.EndpointOptions>>().Value;
        Assert.Equal((11111, 30000), (endpoints.SiloPort, endpoints.GatewayPort));
    }

    [Fact]
    public void A_silo_sharing_its_process_with_a_gateway_takes_free_ports_whatever_the_call_order()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => silo.AddSocketIOGrains());
        builder.Services.AddSocketIO(); // after UseOrleans
        using var host = builder.Build();
        var endpoints = host.Services.GetRequiredService<IOptions<Orleans.Configuration.EndpointOptions>>().Value;
        Assert.NotEqual(11111, endpoints.SiloPort);
        Assert.NotEqual(30000, endpoints.GatewayPort);
        var primary = host.Services.GetRequiredService<IOptions<Orleans.Configuration.DevelopmentClusterMembershipOptions>>().Value;
        Assert.Equal(endpoints.SiloPort, primary.PrimarySiloEndpoint!.Port);
    }
}
