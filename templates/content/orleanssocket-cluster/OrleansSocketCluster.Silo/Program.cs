using OrleansSocket;
using OrleansSocketCluster.Handlers;

// A silo: OrleansSocket's grains and the application's handlers. The Cluster section of appsettings.json
// chooses the clustering (Localhost: this one silo; Redis: as many silos as you start, see README.md).
var builder = Host.CreateApplicationBuilder(args);
var cluster = builder.Configuration.GetOrleansClusterOptions();
builder.UseOrleans(silo => silo
    .UseSocketIOCluster(cluster, defaultSiloPort: 11111, defaultGatewayPort: 30000)
    .AddSocketIO(io => io.AddHandlers<ChatHandlers>()));

builder.Build().Run();
