using Orleans.Dashboard;
using OrleansSocket;
using OrleansSocket.DemoApp;

// A silo of a distributed deployment: hosts the grains and runs the demo's handlers (samples/DemoApp).
// Clustering comes from Orleans' `Orleans` section (`--Orleans:Clustering:ProviderType=Redis ...`) or from the
// `Cluster` section: `--Cluster:Clustering=Redis --Cluster:RedisConnectionString=127.0.0.1:6379 --Cluster:SiloPort=11111`.
// It serves HTTP for its health probes (/health/live, /health/ready) and the dashboard when enabled, on `--urls` or ASPNETCORE_HTTP_PORTS (8080 in
// the container image); with neither, on a free port of 127.0.0.1 (logged), so that it takes no gateway's port.
// The slim builder: what this program does not use (hosting startup assemblies, IIS, static web assets, the Debug
// and EventSource log providers, regex route constraints) is not loaded at start (docs/performance.md, "Cold
// start"); HTTPS endpoints from configuration (Kestrel:Endpoints) are added back.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseKestrelHttpsConfiguration();
if (builder.Configuration["profile"] is { Length: > 0 } profile)
    throw new ArgumentException($"Silo runs the demo only; the test profile '{profile}' is Tests/Hosts/TestSilo's.");
if (builder.Configuration["urls"] is null && builder.Configuration["http_ports"] is null && builder.Configuration["https_ports"] is null)
    builder.WebHost.UseUrls("http://127.0.0.1:0");
// The Orleans Dashboard (grains, calls, silos) at Orleans:Dashboard:Path, when Orleans:Dashboard:Enabled is true on every silo.
var dashboard = builder.Configuration.GetSection("Orleans:Dashboard");
var dashboardEnabled = dashboard.GetValue<bool>("Enabled");
builder.UseOrleans(silo =>
{
    if (builder.Configuration.GetValue<bool>("Cluster:Kubernetes")) silo.UseKubernetesHosting();
    silo.AddSocketIOGrains().AddHandlers(Demo.Register);
    if (dashboardEnabled) silo.AddDashboard(options => dashboard.Bind(options));
});
// The demo's optional sign-in (Demo:SignIn:SigningKey, the gateways' key): the chat checks a CONNECT packet's
// auth.token with the same JWT scheme here, where its handlers run.
builder.Services.AddDemoSignIn(builder.Configuration);
// /health/ready: the silo is active in the cluster membership, and Redis answers when it holds the membership.
builder.Services.AddHealthChecks().AddSocketIOHealthChecks();

var app = builder.Build();
if (dashboardEnabled) app.MapOrleansDashboard(dashboard["Path"] ?? "/dashboard");
app.MapHealthChecks("/health/live", new() { Predicate = _ => false }); // the process answers
app.MapHealthChecks("/health/ready", new() { Predicate = r => r.Tags.Contains(SocketIOHealthChecks.ReadyTag) });
app.Run();
