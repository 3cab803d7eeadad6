using OrleansSocket;
using OpenTelemetry.Metrics;
using OrleansSocket.DemoApp;

// The runnable gateway of this repository, serving the demo (samples/DemoApp and wwwroot/index.html). By default
// it co-hosts a silo (no external service); `--Cluster:Mode=Client` joins the silos of Silo/ instead. The test and
// bench profiles are Tests/Hosts/TestGateway.
// The slim builder: what this program does not use (hosting startup assemblies, IIS, static web assets, the Debug
// and EventSource log providers, regex route constraints) is not loaded at start (docs/performance.md, "Cold
// start"); HTTPS endpoints from configuration (Kestrel:Endpoints) are added back.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseKestrelHttpsConfiguration();
// Connections' I/O and the gateway's work on one socket engine thread per core (before anything opens a socket);
// DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 in the environment turns it off.
builder.WebHost.UseSocketIOInlineIO();
if (builder.Configuration["profile"] is { Length: > 0 } profile)
    throw new ArgumentException($"Gateway/Host runs the demo only; the test profile '{profile}' is Tests/Hosts/TestGateway's.");
// Where the grains run: a silo in this process (default), or the separate silos of Silo/ with
// `--Cluster:Mode=Client` (Silo/Program.cs declares the handlers there).
var server = builder.Services.AddSocketIO();
if (builder.Configuration.GetValue("Cluster:Mode", GatewayMode.Embedded) == GatewayMode.Client)
{
    builder.UseOrleansClient(client => client.AddSocketIOClient());
}
else
{
    server.AddHandlers(Demo.Register);
    builder.UseOrleans(silo => silo.AddSocketIOGrains());
}
// Socket.IO WebSockets run on their Kestrel connections once their handshake requests have been through the
// pipeline (authentication included): the requests' objects are released, so an open socket holds less memory.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.UseSocketIO()));
// The demo's optional sign-in (Demo:SignIn:SigningKey; samples/DemoApp/DemoSignIn.cs): a JWT bearer scheme, POST /login.
var signIn = builder.Services.AddDemoSignIn(builder.Configuration);
// /health/ready: the gateway accepts connections and is in the cluster, the co-hosted silo is active, Redis answers.
builder.Services.AddHealthChecks().AddSocketIOHealthChecks();
// GET /metrics: OpenTelemetry's Prometheus exporter (socketio.server.* and ASP.NET Core's, Kestrel's, Orleans' meters).
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddSocketIOInstrumentation()
    .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.Orleans")
    .AddPrometheusExporter());

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles(); // the demo page; MapSocketIO() serves the browser client at /socket.io/socket.io.js
app.UseRouting();
var socketIO = app.MapSocketIO();
if (signIn is not null)
{
    app.UseAuthentication();
    app.UseAuthorization();
    // A demo's token endpoint: anyone gets a token for the name they ask for. The page asks GET /login whether it is on.
    app.MapGet("/login", () => Results.Ok(new { signIn = true, signIn.RequireAuthorization }));
    app.MapPost("/login", (LoginRequest login) =>
        login.Name is { } name && ChatHandlers.IsValidName(name.Trim())
            ? Results.Ok(new { name = name.Trim(), token = DemoSignIn.CreateToken(signIn, name.Trim()) })
            : Results.BadRequest(new { error = $"Names are {ChatHandlers.NameRule}" }));
    if (signIn.RequireAuthorization) socketIO.RequireAuthorization(); // every Engine.IO request carries the token
}
app.MapHealthChecks("/health/live", new() { Predicate = _ => false }); // the process answers
app.MapHealthChecks("/health/ready", new() { Predicate = r => r.Tags.Contains(SocketIOHealthChecks.ReadyTag) });
app.MapPrometheusScrapingEndpoint(); // GET /metrics, Prometheus text
app.MapSocketIOMetrics(); // GET /metrics/json: this gateway's id, socket count and broadcast totals
app.Run();

/// <summary>The body of <c>POST /login</c>.</summary>
internal sealed record LoginRequest(string? Name);

/// <summary>This host's <c>Cluster:Mode</c>: where the grains and handlers run.</summary>
internal enum GatewayMode
{
    /// <summary>A silo in this process.</summary>
    Embedded,
    /// <summary>An Orleans client of separate silos.</summary>
    Client,
}
