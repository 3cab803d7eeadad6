using OrleansSocket.Gateway.Sessions;

namespace Microsoft.AspNetCore.Builder;

/// <summary>A small JSON view of this gateway's broadcast totals (the OpenTelemetry instruments are <see cref="OrleansSocket.SocketIOInstrumentation"/>).</summary>
public static class SocketIOMetricsEndpointExtensions
{
    /// <summary>
    /// <c>GET {path}</c> answers <c>{"gateway":"…","sockets":N,"counters":{"socketio.server.broadcast.deliveries":N,…}}</c>:
    /// this gateway's id, its connected namespace sockets and the counters since it started.
    /// </summary>
    public static IEndpointConventionBuilder MapSocketIOMetrics(this IEndpointRouteBuilder endpoints, string path = "/metrics/json")
    {
        var server = endpoints.ServiceProvider.GetRequiredService<SocketIOServer>();
        var meters = endpoints.ServiceProvider.GetRequiredService<SocketIOMeters>();
        return endpoints.MapGet(path, () => Results.Json(new
        {
            gateway = server.GatewayId,
            sockets = server.SocketCount,
            counters = meters.BroadcastTotals(),
        }));
    }
}
