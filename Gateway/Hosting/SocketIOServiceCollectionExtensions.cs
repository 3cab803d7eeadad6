using OrleansSocket;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Fanout;
using OrleansSocket.Grains.Adapters;
using OrleansSocket.Gateway.Health;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Membership;
using OrleansSocket.Gateway.Routing;
using OrleansSocket.Gateway.Sessions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Gateway setup: <c>builder.Services.AddSocketIO()</c>, then <c>app.MapSocketIO()</c>.</summary>
public static class SocketIOServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Socket.IO gateway. Options come from the <c>SocketIO</c> configuration section,
    /// then from <paramref name="configure"/>. Needs an Orleans client or a co-hosted silo.
    /// </summary>
    public static IServiceCollection AddSocketIO(this IServiceCollection services, Action<SocketIOOptions>? configure = null)
    {
        services.AddOptions<SocketIOOptions>().BindConfiguration(SocketIOOptions.Section)
            .Configure<IConfiguration>((options, configuration) => EngineIOServiceCollectionExtensions.ReplaceArrays(
                configuration.GetSection($"{SocketIOOptions.Section}:{nameof(SocketIOOptions.Engine)}"), options.Engine));
        if (configure is not null) services.Configure(configure);
        services.AddSingleton<SocketIOServer>();
        // This process is a node: Local operations of its ISocketIO reach its sockets.
        services.AddSingleton(sp => new LocalNode(sp.GetRequiredService<SocketIOServer>().GatewayId));
        services.AddSingleton<AdapterNodeService>();
        services.AddHostedService(sp => sp.GetRequiredService<AdapterNodeService>());
        // After the node's attachment: stopped before it, so the drain still has the cluster.
        services.AddHostedService<GatewayMembership>();
        // Read by the gateway's readiness check, when the application adds AddSocketIOHealthChecks().
        services.AddSingleton(sp => new GatewayReadiness(sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetService<IHostApplicationLifetime>()));
        services.AddSingleton(new SocketIOHealthContribution(SocketIOHealthChecks.Gateway, sp => ActivatorUtilities.CreateInstance<GatewayHealthCheck>(sp)));
        // No sticky sessions: requests for another gateway's sessions are relayed to it (SocketIOOptions.ForwardSessions).
        services.AddSingleton(sp => new GatewaySessionRouter(sp.GetRequiredService<SocketIOServer>().GatewayId,
            sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<IConfiguration>().GetOrleansClusterOptions().GatewayLease,
            sp.GetRequiredService<ILogger<GatewaySessionRouter>>()));
        services.AddSocketIOEmitter();
        return services;
    }
}
