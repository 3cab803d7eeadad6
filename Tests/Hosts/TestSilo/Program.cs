using OrleansSocket.TestHosts;

// A silo of the distributed shape for the end-to-end tests and the benchmark: hosts the grains and runs the
// handlers of `--profile P` (protocol, api, bench or cluster). Clustering comes from Orleans' `Orleans` section or
// the `Cluster` section, as for Silo/: `--Cluster:Clustering=Redis --Cluster:RedisConnectionString=127.0.0.1:6379
// --Cluster:SiloPort=11111 --Cluster:GatewayPort=30000`.
var builder = Host.CreateApplicationBuilder(args);
var profile = Profiles.Require(builder.Configuration["profile"]);
builder.UseOrleans(silo => silo.AddSocketIOGrains().AddHandlers(io => Profiles.Configure(io, profile)));
builder.Build().Run();
