using OrleansSocket;
using OrleansSocket.DemoApp;

// A silo of a distributed deployment: hosts the grains and runs the demo's handlers (samples/DemoApp).
// Clustering comes from the `Cluster` configuration section (see ClusterHostingExtensions):
// `--Cluster:Clustering=Redis --Cluster:RedisConnectionString=127.0.0.1:6379 --Cluster:SiloPort=11111 --Cluster:GatewayPort=30000`.
var builder = Host.CreateApplicationBuilder(args);
if (builder.Configuration["profile"] is { Length: > 0 } profile)
    throw new ArgumentException($"Silo runs the demo only; the test profile '{profile}' is Tests/Hosts/TestSilo's.");
var cluster = builder.Configuration.GetOrleansClusterOptions();
builder.UseOrleans(silo =>
{
    if (cluster.Kubernetes) silo.UseKubernetesHosting();
    silo.UseSocketIOCluster(cluster, defaultSiloPort: 11111, defaultGatewayPort: 30000);
    silo.AddSocketIO(Demo.Register);
});
builder.Build().Run();
