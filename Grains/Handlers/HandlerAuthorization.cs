using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansSocket.Grains.Handlers;

/// <summary>
/// ASP.NET Core's <c>[Authorize]</c> / <c>[AllowAnonymous]</c> on a handler method and its class, checked in the silo
/// with <see cref="IAuthorizationService"/> against <see cref="ISocket.User"/> before the handler runs (as SignalR
/// checks a hub method's). <c>[AllowAnonymous]</c> on either wins, as with endpoints.
/// </summary>
internal sealed class HandlerAuthorization
{
    private readonly IAuthorizeData[] _authorize;
    private readonly string _handler;

    private HandlerAuthorization(IAuthorizeData[] authorize, string handler)
    {
        _authorize = authorize;
        _handler = handler;
    }

    /// <summary>The handler's authorization; null when it has none (or allows anonymous users), which costs nothing per call.</summary>
    public static HandlerAuthorization? For(MethodInfo method, Type? handlerClass, string handler)
    {
        if (method.IsDefined(typeof(IAllowAnonymous), inherit: true)) return null;
        if (handlerClass is not null && handlerClass.IsDefined(typeof(IAllowAnonymous), inherit: true)) return null;
        IAuthorizeData[] data =
        [
            .. handlerClass?.GetCustomAttributes(inherit: true).OfType<IAuthorizeData>() ?? [],
            .. method.GetCustomAttributes(inherit: true).OfType<IAuthorizeData>(),
        ];
        return data.Length == 0 ? null : new HandlerAuthorization(data, handler);
    }

    /// <summary>Throws <see cref="SocketIOAuthorizationException"/> when the socket's user does not meet the combined policy.</summary>
    public async Task EnsureAsync(ISocket socket, IServiceProvider services)
    {
        var policies = services.GetService<IAuthorizationPolicyProvider>();
        var authorization = services.GetService<IAuthorizationService>();
        if (policies is null || authorization is null)
            throw new InvalidOperationException(
                $"Handler {_handler} has [Authorize]: register authorization where the handlers run (services.AddAuthorization()).");
        var policy = await AuthorizationPolicy.CombineAsync(policies, _authorize)
            ?? throw new InvalidOperationException($"Handler {_handler}: no authorization policy.");
        var user = socket.User;
        var result = await authorization.AuthorizeAsync(user, socket, policy);
        if (!result.Succeeded)
            throw new SocketIOAuthorizationException(user.Identity?.IsAuthenticated ?? false, _handler);
    }
}
