using OrleansSocket;
using OrleansSocket.TestHosts;

// A silo of the distributed shape for the end-to-end tests and the benchmark: hosts the grains and runs the
// handlers of `--profile P` (protocol, api, bench or cluster). Clustering comes from the `Cluster` configuration
// section, as for Silo/: `--Cluster:Clustering=Redis --Cluster:RedisConnectionString=127.0.0.1:6379
// --Cluster:SiloPort=11111 --Cluster:GatewayPort=30000`.
var builder = Host.CreateApplicationBuilder(args);
var profile = Profiles.Require(builder.Configuration["profile"]);
var cluster = builder.Configuration.GetOrleansClusterOptions();
builder.UseOrleans(silo =>
{
    silo.UseSocketIOCluster(cluster, defaultSiloPort: 11111, defaultGatewayPort: 30000);
    silo.AddSocketIO(io => Profiles.Configure(io, profile));
});
builder.Build().Run();
