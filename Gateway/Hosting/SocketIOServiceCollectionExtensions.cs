using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
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

/// <summary>
/// The one setup entry point of a Socket.IO server: <c>builder.Services.AddSocketIO().AddHandlers&lt;T&gt;()</c>,
/// then where the grains run (<c>builder.UseOrleans(silo =&gt; silo.AddSocketIOGrains())</c> or
/// <c>builder.UseOrleansClient(client =&gt; client.AddSocketIOClient())</c>), then <c>app.MapSocketIO()</c>.
/// </summary>
public static class SocketIOServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Socket.IO gateway (Engine.IO transports, sessions, broadcast delivery). Options come from the
    /// <c>SocketIO</c> configuration section, then from <paramref name="configure"/>, and are validated at start.
    /// Declare handlers on the returned builder. The process also needs the grains, in a co-hosted silo
    /// (<c>silo.AddSocketIOGrains()</c>) or in separate silos it is an Orleans client of (<c>client.AddSocketIOClient()</c>).
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Changes the options after configuration has been applied; null: configuration only.</param>
    /// <returns>The builder to declare handlers on.</returns>
    public static ISocketIOServerBuilder AddSocketIO(this IServiceCollection services, Action<SocketIOOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SocketIOOptions>().BindConfiguration(SocketIOOptions.Section)
            .Configure<IConfiguration>((options, configuration) => EngineIOServiceCollectionExtensions.ReplaceArrays(
                configuration.GetSection($"{SocketIOOptions.Section}:{nameof(SocketIOOptions.Engine)}"), options.Engine))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SocketIOOptions>, SocketIOOptionsValidator>();
        if (configure is not null) services.Configure(configure);
        services.AddSingleton<SocketIOGatewayMarker>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SocketIOServer>();
        // This process is a node: Local operations of its ISocketIO reach its sockets.
        services.AddSingleton(sp => new LocalNode(sp.GetRequiredService<SocketIOServer>().GatewayId));
        services.AddSingleton<AdapterNodeService>();
        // What AddAdminUI's stats report about this gateway (unused without it).
        services.AddSingleton<OrleansSocket.Grains.Admin.IAdminServerStats>(sp => new OrleansSocket.Gateway.Admin.GatewayAdminStats(
            sp.GetRequiredService<SocketIOServer>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddHostedService(sp => sp.GetRequiredService<AdapterNodeService>());
        // After the node's attachment: stopped before it, so the drain still has the cluster.
        services.AddHostedService<GatewayMembership>();
        // Read by the gateway's readiness check, when the application adds AddSocketIOHealthChecks().
        services.AddSingleton(sp => new GatewayReadiness(sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetService<IHostApplicationLifetime>()));
        // After the membership: the warm-up's sockets need the gateway in the cluster.
        services.AddHostedService<OrleansSocket.Gateway.WarmUp.GatewayWarmUp>();
        services.AddSingleton(new SocketIOHealthContribution(SocketIOHealthChecks.Gateway, sp => ActivatorUtilities.CreateInstance<GatewayHealthCheck>(sp)));
        // No sticky sessions: requests for another gateway's sessions are relayed to it (SocketIOOptions.ForwardSessions).
        services.AddSingleton(sp => new GatewaySessionRouter(sp.GetRequiredService<SocketIOServer>().GatewayId,
            sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<IConfiguration>().GetOrleansClusterOptions().GatewayLease,
            sp.GetRequiredService<ILogger<GatewaySessionRouter>>()));
        services.AddSocketIOEmitter();
        return new SocketIOServerBuilder(services);
    }
}
