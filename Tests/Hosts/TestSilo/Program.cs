using Orleans.Dashboard;
using OrleansSocket;
using OrleansSocket.TestHosts;

// A silo of the distributed shape for the end-to-end tests and the benchmark: hosts the grains and runs the
// handlers of `--profile P` (protocol, api, bench, cluster or auth). Clustering comes from Orleans' `Orleans` section or
// the `Cluster` section, as for Silo/: `--Cluster:Clustering=Redis --Cluster:RedisConnectionString=127.0.0.1:6379
// --Cluster:SiloPort=11111 --Cluster:GatewayPort=30000`. Health probes (/health/live, /health/ready) on `--urls`,
// else on a free port of 127.0.0.1.
// The slim builder, as Gateway/Host and Silo start: less to load at start (docs/performance.md, "Cold start").
var builder = WebApplication.CreateSlimBuilder(args);
var profile = Profiles.Require(builder.Configuration["profile"]);
if (builder.Configuration["urls"] is null && builder.Configuration["http_ports"] is null && builder.Configuration["https_ports"] is null)
    builder.WebHost.UseUrls("http://127.0.0.1:0");
// The Orleans Dashboard (grains, calls, silos) at Orleans:Dashboard:Path, when Orleans:Dashboard:Enabled is true on every silo.
var dashboard = builder.Configuration.GetSection("Orleans:Dashboard");
var dashboardEnabled = dashboard.GetValue<bool>("Enabled");
builder.UseOrleans(silo =>
{
    var grains = silo.AddSocketIOGrains().AddHandlers(io => Profiles.Configure(io, profile));
    // The Admin UI's namespace when configured (SocketIO:AdminUI:*, as on the gateways).
    if (builder.Configuration.GetSection(AdminUIOptions.Section).Exists()) grains.AddAdminUI();
    if (dashboardEnabled) silo.AddDashboard(options => dashboard.Bind(options));
});
builder.Services.AddHealthChecks().AddSocketIOHealthChecks();
// The auth profile's [Authorize] handlers are checked here, where they run: no scheme, no keys, the claims come from
// the gateway with each socket.
if (profile == Profiles.Auth) builder.Services.AddAuthorization();

var app = builder.Build();
if (dashboardEnabled) app.MapOrleansDashboard(dashboard["Path"] ?? "/dashboard");
app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new() { Predicate = r => r.Tags.Contains(SocketIOHealthChecks.ReadyTag) });
// `--Bench:ReadyFile=PATH` (bench/distributed-server.sh): a line written to PATH, a FIFO the script reads, once the silo
// has started and its client gateway listens, so the script starts the gateway then without polling the shared core.
if (builder.Configuration["Bench:ReadyFile"] is { Length: > 0 } readyFile)
    app.Lifetime.ApplicationStarted.Register(() => File.WriteAllText(readyFile, "ready\n"));
app.Run();
