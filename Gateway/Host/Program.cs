using OrleansSocket.DemoApp;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Hosting;

// The gateway: terminates Engine.IO and Socket.IO and forwards to the grains. By default it
// co-hosts a silo (no external service); `--profile protocol` or `--profile bench` selects a
// test profile (its appsettings file and its handlers).
var builder = WebApplication.CreateBuilder(args);
var profile = builder.Configuration["profile"];
if (!string.IsNullOrEmpty(profile))
{
    // From the content root (the working directory) when it has the file, else from beside the binary, so that
    // `dotnet Gateway/Host/bin/Release/net10.0/OrleansSocket.Gateway.Host.dll --profile bench` also works from the repo root.
    var profileFile = $"appsettings.{profile}.json";
    if (!File.Exists(Path.Combine(builder.Environment.ContentRootPath, profileFile)))
        profileFile = Path.Combine(AppContext.BaseDirectory, profileFile);
    builder.Configuration.AddJsonFile(profileFile, optional: false);
    builder.Configuration.AddCommandLine(args); // the command line still wins over the profile
}

builder.AddOrleansSocketCluster(io => Profiles.Configure(io, profile));
builder.Services.AddSocketIO();
if (profile == Profiles.Api) builder.Services.AddHostedService<PeriodicTicker>(); // emits from a hosted service

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles(); // the demo page; MapSocketIO() serves the browser client at /socket.io/socket.io.js
app.UseRouting();
app.MapSocketIO();
app.MapSocketIOMetrics(); // GET /metrics: this gateway's id, socket count and broadcast counters
if (profile == Profiles.Protocol)
{
    // The bare Engine.IO endpoint the official Engine.IO suites test: same timings, echoes every message.
    var engine = app.Configuration.GetSection($"{SocketIOOptions.Section}:Engine").Get<EngineIOOptions>() ?? new();
    app.MapEngineIO("/engine.io/", new EchoEngineApplication(), engine, app.SessionRouter());
}
app.Run();
