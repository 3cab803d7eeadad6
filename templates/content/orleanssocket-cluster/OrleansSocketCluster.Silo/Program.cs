using OrleansSocketCluster.Handlers;

// A silo: OrleansSocket's grains and the application's handlers. The Cluster section of appsettings.json
// chooses the clustering (Localhost: this one silo; Redis: as many silos as you start, see README.md).
var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo => silo.AddSocketIOGrains().AddHandlers<ChatHandlers>());

builder.Build().Run();
