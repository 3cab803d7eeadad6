using QuickStart;

// Socket.IO at /socket.io/ with the handlers in an Orleans silo co-hosted in this process. For a gateway of
// separate silos, replace the UseOrleans line by builder.UseOrleansClient(client => client.AddSocketIOClient())
// and declare the handlers in the silos (silo.AddSocketIOGrains().AddHandlers<ChatHandlers>()).
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSocketIO()
    .AddHandlers<ChatHandlers>();
builder.UseOrleans(silo => silo.AddSocketIOGrains());

var app = builder.Build();
app.MapSocketIO();
app.Run();
