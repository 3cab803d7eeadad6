using OrleansSocket;
using OrleansSocket.DemoApp;

// A silo of a distributed deployment: hosts the grains and runs the application's handlers.
// Clustering comes from the `Cluster` configuration section (see ClusterHostingExtensions):
// `--Cluster:Clustering=Redis --Cluster:RedisConnectionString=127.0.0.1:6379 --Cluster:SiloPort=11111 --Cluster:GatewayPort=30000`.
var builder = Host.CreateApplicationBuilder(args);
var profile = builder.Configuration["profile"];
var cluster = builder.Configuration.GetOrleansClusterOptions();
builder.UseOrleans(silo =>
{
    if (cluster.Kubernetes) silo.UseKubernetesHosting();
    silo.UseSocketIOCluster(cluster, defaultSiloPort: 11111, defaultGatewayPort: 30000);
    silo.AddSocketIO(io => Profiles.Configure(io, profile));
});
builder.Build().Run();
