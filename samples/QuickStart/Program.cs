using QuickStart;

// Socket.IO at /socket.io/ with the handlers in an Orleans silo co-hosted in this process;
// configuration (the Cluster section) makes it an Orleans client of separate silos instead.
var builder = WebApplication.CreateBuilder(args);
builder.AddOrleansSocketCluster(io => io.AddHandlers<ChatHandlers>());
builder.Services.AddSocketIO();

var app = builder.Build();
app.MapSocketIO();
app.Run();
