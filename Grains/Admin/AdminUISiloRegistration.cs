using Microsoft.Extensions.DependencyInjection;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Grains.Admin;

/// <summary>
/// The Admin UI's part where the grains run: the admin namespace (sign-in, socket list, operations).
/// <c>AddAdminUI</c> itself is the part every process shares (options, the gateway's stats, the activity the socket
/// grains and the gateway's broadcast writes report), so a gateway of separate silos serves the UI without the grains.
/// </summary>
internal static class AdminUISiloRegistration
{
    /// <summary>Called by <c>AddSocketIOGrains</c>: adds this part now if <c>AddAdminUI</c> was called, else when it is.</summary>
    public static void Register(IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(AdminUISiloServices))) return;
        services.AddSingleton(new AdminUISiloServices(Add));
        if (services.Any(s => s.ServiceType == typeof(AdminUIMarker))) Add(services);
    }

    private static void Add(IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(AdminSessions))) return;
        services.AddSingleton<AdminSessions>();
        // Declared when the handler registry is built.
        services.AddSingleton(new SocketIOHandlerContribution(AdminNamespace.Configure));
    }
}
