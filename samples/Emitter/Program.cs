using System.Text.Json;
using OrleansSocket;

// An external emitter: a process that holds only an Orleans client (no silo, no Socket.IO server)
// and emits to the sockets of a running cluster, then exits (Node's @socket.io/redis-emitter,
// Flask-SocketIO's `SocketIO(message_queue=...)` in a worker).
//
//   dotnet OrleansSocket.Emitter.dll --event NAME [--data JSON] [--ns /] [--room R]... [--user U]...
//       [--Cluster:ClientGatewayPort 30000] [--Cluster:Clustering Redis --Cluster:RedisConnectionString ...]
//
// `--data` is a JSON array of arguments (a single JSON value is one argument). Without --room and
// --user the whole namespace gets the event. Clustering is read from the `Cluster` section as the
// gateway reads it: Orleans:Clustering:*, else Localhost (the silo gateway port Cluster:ClientGatewayPort) or Redis.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var request = EmitRequest.Parse(args);
if (request is null)
{
    Console.Error.WriteLine(EmitRequest.Usage);
    return 2;
}

// Clustering, the broadcast streams (partitioned as the silos') and ISocketIO.
builder.UseOrleansClient(client => client.AddSocketIOClient());

using var host = builder.Build();
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(builder.Configuration.GetValue("Cluster:ConnectTimeoutSeconds", 30)));
await host.StartAsync(timeout.Token);
var io = host.Services.GetRequiredService<ISocketIO>();

IBroadcast target = io.Of(request.Namespace);
if (request.Rooms.Count > 0) target = target.To([.. request.Rooms]);
if (request.Users.Count > 0) target = target.ToUser([.. request.Users]);
await target.EmitAsync(request.Event, request.Args);
Console.WriteLine($"emitted '{request.Event}' to {request.Describe()}");

await host.StopAsync(CancellationToken.None);
return 0;

internal sealed record EmitRequest(string Event, object?[] Args, string Namespace, List<string> Rooms, List<string> Users)
{
    public const string Usage =
        "usage: OrleansSocket.Emitter --event NAME [--data JSON] [--ns /] [--room R]... [--user U]... [--Cluster:ClientGatewayPort PORT]";

    public string Describe() =>
        $"namespace {Namespace}" +
        (Rooms.Count > 0 ? $", rooms {string.Join(",", Rooms)}" : "") +
        (Users.Count > 0 ? $", users {string.Join(",", Users)}" : "");

    public static EmitRequest? Parse(string[] args)
    {
        string? eventName = null, data = null, ns = "/";
        List<string> rooms = [], users = [];
        for (var i = 0; i + 1 < args.Length; i++)
        {
            switch (args[i])
            {
                case "--event": eventName = args[++i]; break;
                case "--data": data = args[++i]; break;
                case "--ns": ns = args[++i]; break;
                case "--room": rooms.Add(args[++i]); break;
                case "--user": users.Add(args[++i]); break;
            }
        }
        if (string.IsNullOrEmpty(eventName)) return null;
        object?[] values = [];
        if (data is not null)
        {
            var json = JsonDocument.Parse(data).RootElement;
            values = json.ValueKind == JsonValueKind.Array ? [.. json.EnumerateArray().Select(e => (object?)e)] : [json];
        }
        return new EmitRequest(eventName, values, ns, rooms, users);
    }
}
