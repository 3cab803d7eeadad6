using OrleansSocketApp;

// Socket.IO at /socket.io/ (the browser client at /socket.io/socket.io.js), the chat page at /.
// The handlers run in an Orleans silo inside this process: no external service to start.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSocketIO()
    .AddHandlers<ChatHandlers>();
builder.UseOrleans(silo => silo.AddSocketIOGrains());

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapSocketIO();
app.Run();
