using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansSocket.Grains.Diagnostics;

internal static class SocketIODiagnosticsServiceCollectionExtensions
{
    /// <summary><see cref="SocketIOMeters"/> on the container's <see cref="System.Diagnostics.Metrics.IMeterFactory"/> (added when missing).</summary>
    public static IServiceCollection AddSocketIOMeters(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<SocketIOMeters>();
        return services;
    }
}
