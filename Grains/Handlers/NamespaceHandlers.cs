using System.Text.Json;

namespace OrleansSocket.Grains.Handlers;

/// <summary>Everything registered for one namespace (or for <c>"*"</c>).</summary>
/// <remarks>Mutable while the builder fills it; the registry takes a <see cref="Snapshot"/> and only reads it,
/// so concurrent socket grains can share it without locks.</remarks>
internal sealed class NamespaceHandlers
{
    public Dictionary<string, HandlerInvoker> Events { get; private init; } = new(StringComparer.Ordinal);
    public HandlerInvoker? Connect { get; set; }
    public HandlerInvoker? Disconnect { get; set; }
    public HandlerInvoker? Upgrade { get; set; }
    public Func<ISocket, string, JsonElement[], Task<object?>>? CatchAll { get; set; }
    public List<Func<ISocket, Func<Task>, Task>> Middleware { get; private init; } = [];
    public List<Func<ISocket, string, JsonElement[], Func<Task>, Task>> PacketMiddleware { get; private init; } = [];

    /// <summary>A read-only copy whose middleware lists start with <paramref name="wildcard"/>'s, which run first, and
    /// whose handlers are passed through <paramref name="finish"/> (the container's say on service parameters).</summary>
    public NamespaceHandlers Snapshot(NamespaceHandlers? wildcard, Func<HandlerInvoker, HandlerInvoker> finish) => new()
    {
        Events = Events.ToDictionary(kv => kv.Key, kv => finish(kv.Value), StringComparer.Ordinal),
        Connect = Connect is null ? null : finish(Connect),
        Disconnect = Disconnect is null ? null : finish(Disconnect),
        Upgrade = Upgrade is null ? null : finish(Upgrade),
        CatchAll = CatchAll,
        Middleware = wildcard is null || ReferenceEquals(wildcard, this) ? [.. Middleware] : [.. wildcard.Middleware, .. Middleware],
        PacketMiddleware = wildcard is null || ReferenceEquals(wildcard, this)
            ? [.. PacketMiddleware]
            : [.. wildcard.PacketMiddleware, .. PacketMiddleware],
    };
}
