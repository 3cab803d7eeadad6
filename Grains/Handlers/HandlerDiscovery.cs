using System.Reflection;

namespace OrleansSocket.Grains.Handlers;

/// <summary>Finds the handler methods of handler classes and class-based namespaces.</summary>
internal static class HandlerDiscovery
{
    public const string ConnectEvent = "connect";
    public const string DisconnectEvent = "disconnect";
    /// <summary>The name an upgrade handler's failures are reported under (not a client event).</summary>
    public const string UpgradeEvent = "upgrade";

    /// <summary>Methods with <see cref="OnAttribute"/>, <see cref="OnConnectAttribute"/> or <see cref="OnDisconnectAttribute"/>.</summary>
    public static IEnumerable<DiscoveredHandler> Attributed(Type type, string ns)
    {
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
        {
            foreach (var on in method.GetCustomAttributes<OnAttribute>(inherit: true))
                yield return new(on.Namespace ?? ns, on.EventName ?? SocketIOEventName.FromMethodName(method.Name), method);
            if (method.GetCustomAttribute<OnConnectAttribute>(inherit: true) is { } connect)
                yield return new(connect.Namespace ?? ns, ConnectEvent, method);
            if (method.GetCustomAttribute<OnDisconnectAttribute>(inherit: true) is { } disconnect)
                yield return new(disconnect.Namespace ?? ns, DisconnectEvent, method);
        }
    }

    /// <summary>
    /// A <see cref="SocketIONamespace"/>'s handlers: its attributed methods, plus its public instance methods named
    /// <c>OnXxx</c>/<c>on_xxx</c> (Flask's <c>on_</c> convention) declared below <see cref="SocketIONamespace"/>.
    /// </summary>
    public static IEnumerable<DiscoveredHandler> NamespaceClass(Type type, string ns)
    {
        foreach (var found in Attributed(type, ns))
            yield return found;
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.IsSpecialName || !IsUserDeclared(method.DeclaringType) || HasHandlerAttribute(method)
                || !HasOnPrefix(method.Name))
                continue;
            yield return new(ns, SocketIOEventName.FromMethodName(method.Name), method);
        }
    }

    private static bool IsUserDeclared(Type? declaringType) =>
        declaringType is not null && declaringType != typeof(object)
        && declaringType != typeof(SocketIOHandler) && declaringType != typeof(SocketIONamespace);

    private static bool HasHandlerAttribute(MethodInfo method) =>
        method.IsDefined(typeof(OnAttribute), inherit: true) || method.IsDefined(typeof(OnConnectAttribute), inherit: true)
        || method.IsDefined(typeof(OnDisconnectAttribute), inherit: true);

    // Same prefix test as SocketIOEventName: "OnX", "On_", "on_", but not "Online".
    private static bool HasOnPrefix(string name) =>
        (name.Length > 3 && name.StartsWith("on_", StringComparison.Ordinal))
        || (name.Length > 2 && name.StartsWith("On", StringComparison.Ordinal)
            && (char.IsUpper(name[2]) || char.IsDigit(name[2]) || name[2] == '_'));
}
