using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OrleansSocketApp;

// Socket.IO at /socket.io/ (the browser client at /socket.io/socket.io.js), the chat page at /.
// The handlers run in an Orleans silo inside this process: no external service to start.
var builder = WebApplication.CreateBuilder(args);
// Connections' I/O and the gateway's work on one socket engine thread per core, without a thread-pool hand-off per
// packet (first, before anything opens a socket). Nothing in this app's HTTP pipeline may block: it runs there too.
// DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 in the environment turns it off.
builder.WebHost.UseSocketIOInlineIO();
builder.Services.AddSocketIO()
    .AddHandlers<ChatHandlers>();
builder.UseOrleans(silo => silo.AddSocketIOGrains());
// Socket.IO WebSockets run on their Kestrel connections once their handshake requests have been through the
// pipeline (authentication included): the requests' objects are released, so an open socket holds less memory.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.UseSocketIO()));

// Authentication: JWT bearer tokens, configured from Authentication:Schemes:Bearer (appsettings.json; in development
// `dotnet user-jwts create` adds a signing key there and prints a token). A client sends its token in the
// Authorization header or, from a browser's WebSocket, as access_token in the query; the handlers see the user as
// Socket.User. Anonymous clients connect too, unless Authentication:RequireAuthenticatedUser is true.
builder.Services.AddAuthentication().AddJwtBearer(jwt => jwt.Events = new()
{
    OnMessageReceived = context =>
    {
        var token = context.Request.Query["access_token"];
        if (!string.IsNullOrEmpty(token)) context.Token = token;
        return Task.CompletedTask;
    },
});
builder.Services.AddAuthorization();

// OpenTelemetry: Socket.IO's metrics (socketio.server.*) with ASP.NET Core's and Kestrel's, as Prometheus text at
// /metrics; Socket.IO's spans (and the metrics) to an OTLP collector when OTEL_EXPORTER_OTLP_ENDPOINT is set.
var telemetry = builder.Services.AddOpenTelemetry()
    .WithMetrics(metrics => metrics
        .AddSocketIOInstrumentation()
        .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
        .AddPrometheusExporter())
    .WithTracing(tracing => tracing.AddSocketIOInstrumentation());
if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) telemetry.UseOtlpExporter();

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
var socketIO = app.MapSocketIO();
if (app.Configuration.GetValue<bool>("Authentication:RequireAuthenticatedUser")) socketIO.RequireAuthorization();
app.MapPrometheusScrapingEndpoint(); // GET /metrics
app.Run();
