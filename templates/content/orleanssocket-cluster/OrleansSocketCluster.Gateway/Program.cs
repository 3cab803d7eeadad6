// Socket.IO at /socket.io/ (the browser client at /socket.io/socket.io.js), the chat page at /.
// An Orleans client of the silos, which run the handlers; the Cluster section of appsettings.json
// says where they are (the silos' own Cluster section must match it).
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSocketIO();
builder.UseOrleansClient(client => client.AddSocketIOClient());

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapSocketIO();
app.Run();
