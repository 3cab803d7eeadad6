using OrleansSocket.DemoApp;

// A silo of a distributed deployment: hosts the grains and runs the demo's handlers (samples/DemoApp).
// Clustering comes from Orleans' `Orleans` section (`--Orleans:Clustering:ProviderType=Redis ...`) or from the
// `Cluster` section: `--Cluster:Clustering=Redis --Cluster:RedisConnectionString=127.0.0.1:6379 --Cluster:SiloPort=11111`.
var builder = Host.CreateApplicationBuilder(args);
if (builder.Configuration["profile"] is { Length: > 0 } profile)
    throw new ArgumentException($"Silo runs the demo only; the test profile '{profile}' is Tests/Hosts/TestSilo's.");
builder.UseOrleans(silo =>
{
    if (builder.Configuration.GetValue<bool>("Cluster:Kubernetes")) silo.UseKubernetesHosting();
    silo.AddSocketIOGrains().AddHandlers(Demo.Register);
});
builder.Build().Run();
