using Microsoft.Extensions.Options;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Routing;
using OrleansSocket.Gateway.Sessions;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Socket.IO endpoint (Engine.IO long-polling and WebSocket) at the configured path.</summary>
public static class SocketIOEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps Socket.IO at <paramref name="path"/> (default <see cref="SocketIOOptions.Path"/>) and, when
    /// <see cref="SocketIOOptions.ServeClient"/> is on, the official browser client beside it
    /// (<c>socket.io.js</c>, <c>socket.io.min.js</c>, ... and their source maps), as Node's server does.
    /// </summary>
    /// <param name="endpoints">The application's endpoint route builder.</param>
    /// <param name="path">The path to serve; null for the configured one.</param>
    /// <returns>The Socket.IO endpoint's convention builder (the client files are anonymous static content).</returns>
    public static IEndpointConventionBuilder MapSocketIO(this IEndpointRouteBuilder endpoints, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        EnsureSetUp(endpoints.ServiceProvider);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<SocketIOOptions>>().Value;
        var server = endpoints.ServiceProvider.GetRequiredService<SocketIOServer>();
        path ??= options.Path;
        // Literal routes take precedence over the Engine.IO endpoint's catch-all below the same path.
        if (options.ServeClient) ClientBundle.Map(endpoints, "/" + path.Trim('/'));
        return endpoints.MapEngineIO(path, server, options.Engine, endpoints.SessionRouter());
    }

    // A forgotten setup call would otherwise surface as "no service for type SocketIOServer", "unable to resolve
    // IGrainFactory" or a grain call that never finds its grain: name the call to add instead, at start-up, where
    // MapSocketIO runs.
    private static void EnsureSetUp(IServiceProvider services)
    {
        // Asks the container whether a service is registered without building it (building SocketIOServer without
        // Orleans would throw the very message this replaces).
        var registered = services.GetService<IServiceProviderIsService>();
        bool Has(Type type) => registered?.IsService(type) ?? services.GetService(type) is not null;
        if (!Has(typeof(SocketIOServer)))
            throw new InvalidOperationException(
                "MapSocketIO() needs the Socket.IO server's services: call builder.Services.AddSocketIO() before builder.Build().");
        var hasSilo = Has(typeof(Orleans.Runtime.ILocalSiloDetails));
        if (!Has(typeof(IGrainFactory)))
            throw new InvalidOperationException(
                "MapSocketIO() needs the grains, in this process or in separate silos: call " +
                "builder.UseOrleans(silo => silo.AddSocketIOGrains()) (a co-hosted silo) or " +
                "builder.UseOrleansClient(client => client.AddSocketIOClient()) (an Orleans client of the silos) before builder.Build().");
        if (hasSilo && !Has(typeof(OrleansSocket.ISocketIOHandlerDeclarations)))
            throw new InvalidOperationException(
                "MapSocketIO() runs with an Orleans silo that does not host the Socket.IO grains: call silo.AddSocketIOGrains() " +
                "in builder.UseOrleans(silo => ...).");
        if (!hasSilo && !Has(typeof(OrleansSocket.SocketIOClientMarker)))
            throw new InvalidOperationException(
                "MapSocketIO() runs with an Orleans client that does not know the Socket.IO silos' streams: call " +
                "client.AddSocketIOClient() in builder.UseOrleansClient(client => ...).");
    }

    /// <summary>
    /// The router that relays requests for sessions held by other gateways (no sticky sessions); null when
    /// <see cref="SocketIOOptions.ForwardSessions"/> is off. Pass it to <c>MapEngineIO</c> for another Engine.IO endpoint.
    /// </summary>
    internal static IEngineSessionRouter? SessionRouter(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        return services.GetRequiredService<IOptions<SocketIOOptions>>().Value.ForwardSessions
            ? services.GetService<GatewaySessionRouter>()
            : null;
    }
}
