using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket;

/// <summary>Registers Socket.IO handlers where the socket grains run (silos, or a gateway with a co-hosted silo).</summary>
internal static class SocketIOHandlerServiceCollectionExtensions
{
    /// <summary>
    /// Declares Socket.IO handlers and registers the singleton <see cref="SocketIOHandlerRegistry"/> the socket grains
    /// dispatch to. May be called several times (e.g. once per feature); registrations accumulate.
    /// </summary>
    /// <exception cref="ArgumentException">a handler's signature cannot be bound.</exception>
    /// <exception cref="InvalidOperationException">an event already has a handler.</exception>
    public static IServiceCollection AddSocketIOHandlers(this IServiceCollection services, Action<ISocketIOBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.FirstOrDefault(d => !d.IsKeyedService && d.ServiceType == typeof(SocketIOBuilder))?.ImplementationInstance
            as SocketIOBuilder;
        if (builder is null)
        {
            builder = new SocketIOBuilder();
            services.AddSingleton(builder);
            services.AddSingleton<ISocketIOHandlerDeclarations>(builder);
            // Not AddAuthorizationCore() here: in a web app (a co-hosted silo) its IAuthorizationHandlerProvider makes
            // WebApplication add the authorization middleware, which then fails without AddAuthorization()'s services.
            // Built on first use, after every AddSocketIOHandlers call has added its part, with the features' contributions.
            services.AddSingleton(sp =>
            {
                foreach (var contribution in sp.GetServices<SocketIOHandlerContribution>()) contribution.Configure(builder, sp);
                return new SocketIOHandlerRegistry(builder, sp.GetService<ILogger<SocketIOHandlerRegistry>>(),
                    sp.GetService<IServiceProviderIsService>());
            });
        }
        configure(builder);
        return services;
    }
}
