using OrleansSocket;
using OrleansSocket.Gateway.Sessions;

namespace Microsoft.AspNetCore.Builder;

/// <summary>A small JSON view of this process's <see cref="SocketIOMetrics"/> totals.</summary>
public static class SocketIOMetricsEndpointExtensions
{
    /// <summary>
    /// <c>GET {path}</c> answers <c>{"gateway":"…","sockets":N,"counters":{"orleanssocket.broadcast.deliveries":N,…}}</c>:
    /// this gateway's id, its connected namespace sockets and the counters since it started.
    /// </summary>
    public static IEndpointConventionBuilder MapSocketIOMetrics(this IEndpointRouteBuilder endpoints, string path = "/metrics")
    {
        var server = endpoints.ServiceProvider.GetRequiredService<SocketIOServer>();
        return endpoints.MapGet(path, () => Results.Json(new
        {
            gateway = server.GatewayId,
            sockets = server.SocketCount,
            counters = SocketIOMetrics.Totals(),
        }));
    }
}
