using OpenTelemetry.Metrics;
using OrleansSocket;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.TestHosts;

// The gateway of the end-to-end tests and the benchmark: `--profile P` (protocol, api, bench or cluster) selects
// the handlers and appsettings.P.json. By default it co-hosts a silo; `--Cluster:Mode=Client` joins the silos of
// Tests/Hosts/TestSilo instead.
// The slim builder, as Gateway/Host and Silo start: less to load at start (docs/performance.md, "Cold start").
var builder = WebApplication.CreateSlimBuilder(args);
var profile = Profiles.Require(builder.Configuration["profile"]);

// From the content root (the working directory) when it has the file, else from beside the binary, so that
// `dotnet Tests/Hosts/TestGateway/bin/Release/net10.0/OrleansSocket.TestGateway.dll --profile bench` also works
// from the repository root.
var profileFile = $"appsettings.{profile}.json";
if (!File.Exists(Path.Combine(builder.Environment.ContentRootPath, profileFile)))
    profileFile = Path.Combine(AppContext.BaseDirectory, profileFile);
builder.Configuration.AddJsonFile(profileFile, optional: false);
builder.Configuration.AddCommandLine(args); // the command line still wins over the profile

// Where the grains run: a silo in this process (default), or the silos of Tests/Hosts/TestSilo with
// `--Cluster:Mode=Client` (they declare the handlers there). `--mode Client` is the same switch outside the Cluster
// section, for a cluster configured by Orleans' standard keys alone (Tests/EndToEnd/MultiProcess/OrleansKeysClusterTests.cs).
var server = builder.Services.AddSocketIO();
var mode = builder.Configuration.GetValue<GatewayMode?>("mode") ?? builder.Configuration.GetValue("Cluster:Mode", GatewayMode.Embedded);
if (mode == GatewayMode.Client)
{
    builder.UseOrleansClient(client => client.AddSocketIOClient());
}
else
{
    server.AddHandlers(io => Profiles.Configure(io, profile));
    builder.UseOrleans(silo => silo.AddSocketIOGrains());
}
// `--Bench:ReusePort=true`: several processes listen on one port and the kernel spreads the connections over them
// (bench/cohosted-server.sh: a co-hosted cluster behind one address, without a proxy whose CPU would be counted).
if (builder.Configuration.GetValue("Bench:ReusePort", false))
    builder.WebHost.UseSockets(sockets => sockets.CreateBoundListenSocket = SharedPort.Bind);
// Connections' I/O and the gateway's work on one socket engine thread per core, as Gateway/Host runs them;
// DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 in the environment turns it off, for A/Bs.
builder.WebHost.UseSocketIOInlineIO();
// `--Bench:WaitForData=false`: Kestrel reads a connection into a buffer without first waiting for data with a
// zero-byte receive (SocketTransportOptions.WaitForDataBeforeAllocatingBuffer), for A/Bs of the receives per event.
if (!builder.Configuration.GetValue("Bench:WaitForData", true))
    builder.WebHost.UseSockets(sockets => sockets.WaitForDataBeforeAllocatingBuffer = false);
// Socket.IO WebSockets run on their connections once their handshake requests end (ListenOptions.UseSocketIO);
// `--Bench:UseSocketIO=false` keeps them on upgraded requests, for A/Bs.
if (builder.Configuration.GetValue("Bench:UseSocketIO", true))
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.UseSocketIO()));
// The Socket.IO Admin UI when configured (SocketIO:AdminUI:*); in client mode the silos declare its namespace too.
if (builder.Configuration.GetSection(AdminUIOptions.Section).Exists()) server.AddAdminUI();
builder.Services.AddHealthChecks().AddSocketIOHealthChecks();
if (profile == Profiles.Api) builder.Services.AddHostedService<PeriodicTicker>(); // emits from a hosted service
if (profile == Profiles.Auth) builder.Services.AddTestJwtBearer();
// GET /metrics: socketio.server.* through OpenTelemetry's Prometheus exporter, as the demo host exports them; not in
// the bench profile, whose numbers are the gateway's own cost.
var prometheus = profile != Profiles.Bench;
if (prometheus) builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddSocketIOInstrumentation().AddPrometheusExporter());

var app = builder.Build();
app.UseRouting();
if (profile == Profiles.Auth)
{
    app.UseAuthentication();
    app.UseAuthorization();
    app.MapSocketIO(AuthHandlers.SecurePath).RequireAuthorization();
    app.MapSocketIO(AuthHandlers.AdminPath).RequireAuthorization(AuthHandlers.AdminPolicy);
}
// The Admin UI's static app (@socket.io/admin-ui's ui/dist) at /admin-ui/, when given.
if (app.Configuration["AdminUIFiles"] is { Length: > 0 } adminUIFiles) app.UseSocketIOAdminUI("/admin-ui", adminUIFiles);
app.MapSocketIO(); // also serves the browser client at /socket.io/socket.io.js
app.MapHealthChecks("/health/live", new() { Predicate = _ => false }); // the process answers
app.MapHealthChecks("/health/ready", new() { Predicate = r => r.Tags.Contains(SocketIOHealthChecks.ReadyTag) });
app.MapSocketIOMetrics(); // GET /metrics/json: this gateway's id, socket count and broadcast totals
if (prometheus) app.MapPrometheusScrapingEndpoint(); // GET /metrics
if (profile == Profiles.Protocol)
{
    // The bare Engine.IO endpoint the official Engine.IO suites test: same timings, echoes every message.
    var engine = app.Configuration.GetSection($"{SocketIOOptions.Section}:Engine").Get<EngineIOOptions>() ?? new();
    app.MapEngineIO("/engine.io/", new EchoEngineApplication(), engine, app.SessionRouter());
}
app.Run();

/// <summary>This host's <c>Cluster:Mode</c>: where the grains and handlers run.</summary>
internal enum GatewayMode
{
    /// <summary>A silo in this process.</summary>
    Embedded,
    /// <summary>An Orleans client of separate silos.</summary>
    Client,
}
