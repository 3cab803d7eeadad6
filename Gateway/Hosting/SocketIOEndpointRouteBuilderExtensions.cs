using Microsoft.Extensions.Options;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Sessions;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Socket.IO endpoint (Engine.IO long-polling and WebSocket) at the configured path.</summary>
public static class SocketIOEndpointRouteBuilderExtensions
{
    public static IEndpointConventionBuilder MapSocketIO(this IEndpointRouteBuilder endpoints, string? path = null)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<SocketIOOptions>>().Value;
        var server = endpoints.ServiceProvider.GetRequiredService<SocketIOServer>();
        return endpoints.MapEngineIO(path ?? options.Path, server, options.Engine);
    }
}
