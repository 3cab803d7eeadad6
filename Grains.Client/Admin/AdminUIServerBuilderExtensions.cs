using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansSocket;
using OrleansSocket.Grains.Admin;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The Socket.IO Admin UI's server side: <c>AddSocketIO().AddAdminUI(...)</c> and <c>silo.AddSocketIOGrains().AddAdminUI(...)</c>.</summary>
public static class AdminUIServerBuilderExtensions
{
    /// <summary>
    /// Serves the Socket.IO Admin UI (<c>@socket.io/admin-ui</c> 0.5.x, as Node's <c>instrument(io, options)</c>) on the
    /// admin namespace: where the grains run, its sign-in, socket list and operations (join, leave, disconnect, emit on
    /// any gateway); on each gateway, its server stats. Options come from <c>SocketIO:AdminUI</c>, then from
    /// <paramref name="configure"/>, and are validated at start (<see cref="AdminUIOptions.Authentication"/> must be
    /// chosen). In a cluster call it on the gateways' and the silos' builders alike, with the same options.
    /// </summary>
    /// <param name="builder">The builder of <c>AddSocketIO()</c> or <c>AddSocketIOGrains()</c>.</param>
    /// <param name="configure">Changes the options after configuration has been applied; null: configuration only.</param>
    /// <returns>The builder.</returns>
    public static ISocketIOServerBuilder AddAdminUI(this ISocketIOServerBuilder builder, Action<AdminUIOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        // Once per process: a gateway co-hosting its silo may call it on both builders.
        if (!services.Any(s => s.ServiceType == typeof(AdminUIMarker)))
        {
            AddServices(services);
            // Where the grains run (AddSocketIOGrains, called before this or after): the admin namespace.
            foreach (var silo in services.Where(s => !s.IsKeyedService && s.ServiceType == typeof(AdminUISiloServices))
                         .Select(s => s.ImplementationInstance).OfType<AdminUISiloServices>().ToList())
                silo.Add(services);
        }
        if (configure is not null) services.Configure(configure);
        return builder;
    }

    private static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<AdminUIMarker>();
        services.AddOptions<AdminUIOptions>().BindConfiguration(AdminUIOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminUIOptions>, AdminUIOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        // On a gateway, its server stats (nothing where no gateway runs).
        services.AddHostedService<AdminStatsPublisher>();
        // Development mode: what the socket grains of this process and the gateway's broadcast writes report.
        services.AddSingleton<AdminActivity>();
        services.AddSingleton<OrleansSocket.Grains.Sockets.ISocketActivity>(sp => sp.GetRequiredService<AdminActivity>());
        services.AddHostedService(sp => sp.GetRequiredService<AdminActivity>());
    }
}
