using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansSocket.Grains.Adapters;
using OrleansSocket.Grains.Diagnostics;
using OrleansSocket.Grains.Emitting;

namespace OrleansSocket;

/// <summary>Makes <see cref="ISocketIO"/> injectable in a silo or an Orleans client process.</summary>
internal static class SocketIOEmitterServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ISocketIO"/>: emit to rooms, namespaces and users from code outside handlers
    /// (Flask-SocketIO's <c>socketio.emit</c> outside a request, Node's redis-emitter). The process needs
    /// the broadcast stream provider: silos get it from <c>AddSocketIOGrains</c>, clients from <c>AddSocketIOClient()</c>.
    /// </summary>
    public static IServiceCollection AddSocketIOEmitter(this IServiceCollection services)
    {
        services.AddSocketIOMeters();
        services.AddOptions<ConnectionStateRecoveryOptions>().BindConfiguration(ConnectionStateRecoveryOptions.Section);
        // A gateway registers its LocalNode: Local operations from this process's ISocketIO reach its sockets.
        services.TryAddSingleton<SocketIOAdapter>(sp => new OrleansAdapter(sp.GetRequiredService<IGrainFactory>(), sp, sp.GetService<LocalNode>()?.Id));
        services.AddSingleton<ISocketIO>(sp => new SocketIOEmitter(sp.GetRequiredService<SocketIOAdapter>()));
        return services;
    }
}
