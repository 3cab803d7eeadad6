using Orleans.Configuration;
using OrleansSocket;
using OrleansSocket.DemoApp;

// A silo of a distributed deployment: hosts the grains and runs the application's handlers.
// Clustering comes from configuration (`Cluster:Clustering` = Localhost | Redis).
var builder = Host.CreateApplicationBuilder(args);
var profile = builder.Configuration["profile"];
var orleans = builder.Configuration.GetSection("Cluster");
builder.UseOrleans(silo =>
{
    silo.Configure<ClusterOptions>(c =>
    {
        c.ClusterId = orleans["ClusterId"] ?? "orleanssocket";
        c.ServiceId = orleans["ServiceId"] ?? "orleanssocket";
    });
    var siloPort = orleans.GetValue("SiloPort", 11111);
    var gatewayPort = orleans.GetValue("GatewayPort", 30000);
    if (string.Equals(orleans["Clustering"], "Redis", StringComparison.OrdinalIgnoreCase))
    {
        silo.UseRedisClustering(orleans["RedisConnectionString"] ?? throw new InvalidOperationException("Cluster:RedisConnectionString is required with Redis clustering."));
        silo.ConfigureEndpoints(siloPort, gatewayPort, listenOnAnyHostAddress: false);
    }
    else
    {
        silo.UseLocalhostClustering(siloPort, gatewayPort);
    }
    silo.AddSocketIO(io => Profiles.Configure(io, profile));
});
builder.Build().Run();
