using Microsoft.Extensions.Options;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Routing;
using OrleansSocket.Gateway.Sessions;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Socket.IO endpoint (Engine.IO long-polling and WebSocket) at the configured path.</summary>
public static class SocketIOEndpointRouteBuilderExtensions
{
    public static IEndpointConventionBuilder MapSocketIO(this IEndpointRouteBuilder endpoints, string? path = null)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<SocketIOOptions>>().Value;
        var server = endpoints.ServiceProvider.GetRequiredService<SocketIOServer>();
        return endpoints.MapEngineIO(path ?? options.Path, server, options.Engine, endpoints.SessionRouter());
    }

    /// <summary>
    /// The router that relays requests for sessions held by other gateways (no sticky sessions); null when
    /// <see cref="SocketIOOptions.ForwardSessions"/> is off. Pass it to <c>MapEngineIO</c> for another Engine.IO endpoint.
    /// </summary>
    public static IEngineSessionRouter? SessionRouter(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        return services.GetRequiredService<IOptions<SocketIOOptions>>().Value.ForwardSessions
            ? services.GetService<GatewaySessionRouter>()
            : null;
    }
}
