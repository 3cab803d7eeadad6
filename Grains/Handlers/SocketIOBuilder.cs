using System.Text.Json;

namespace OrleansSocket.Grains.Handlers;

/// <summary>
/// Collects registrations. Handler signatures are analysed here, at registration, so a handler that cannot be
/// bound fails at startup and dispatching does no reflection lookups.
/// </summary>
internal sealed class SocketIOBuilder : ISocketIOBuilder, ISocketIOHandlerDeclarations
{
    public const string AnyNamespace = "*";

    private readonly Dictionary<string, NamespaceHandlers> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<ISocket, Exception, string, Task>> _errorHandlers = new(StringComparer.Ordinal);

    internal IReadOnlyDictionary<string, NamespaceHandlers> Namespaces => _namespaces;
    internal IReadOnlyDictionary<string, Func<ISocket, Exception, string, Task>> ErrorHandlers => _errorHandlers;
    internal Func<ISocket, Exception, string, Task>? DefaultErrorHandler { get; private set; }

    /// <summary>Nothing has been declared (a process that only holds an Orleans client must declare nothing).</summary>
    public bool IsEmpty => _namespaces.Count == 0 && _errorHandlers.Count == 0 && DefaultErrorHandler is null;

    public ISocketIOBuilder On(string eventName, Delegate handler, string ns = "/")
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        return Add(Normalize(ns), eventName, HandlerInvoker.ForDelegate(handler));
    }

    public ISocketIOBuilder OnConnect(Delegate handler, string ns = "/") =>
        Add(Normalize(ns), HandlerDiscovery.ConnectEvent, HandlerInvoker.ForDelegate(handler));

    public ISocketIOBuilder OnDisconnect(Delegate handler, string ns = "/") =>
        Add(Normalize(ns), HandlerDiscovery.DisconnectEvent, HandlerInvoker.ForDelegate(handler));

    public ISocketIOBuilder OnUpgrade(Delegate handler, string ns = "/")
    {
        var invoker = HandlerInvoker.ForDelegate(handler);
        var handlers = For(Normalize(ns));
        handlers.Upgrade = handlers.Upgrade is null ? invoker : throw Duplicate(Normalize(ns), HandlerDiscovery.UpgradeEvent, invoker);
        return this;
    }

    public ISocketIOBuilder OnAny(Func<ISocket, string, JsonElement[], Task> handler, string ns = "/")
    {
        ArgumentNullException.ThrowIfNull(handler);
        return OnAny(async (socket, eventName, args) =>
        {
            await handler(socket, eventName, args);
            return HandlerInvoker.NoValue;
        }, ns);
    }

    public ISocketIOBuilder OnAny(Func<ISocket, string, JsonElement[], Task<object?>> handler, string ns = "/")
    {
        ArgumentNullException.ThrowIfNull(handler);
        var handlers = For(Normalize(ns));
        if (handlers.CatchAll is not null)
            throw new InvalidOperationException($"Namespace '{ns}' already has a catch-all handler.");
        handlers.CatchAll = handler;
        return this;
    }

    public ISocketIOBuilder OnError(Func<ISocket, Exception, string, Task> handler, string ns = "/")
    {
        ArgumentNullException.ThrowIfNull(handler);
        // Not in NamespaceHandlers: an error handler alone does not make a namespace exist.
        if (!_errorHandlers.TryAdd(Normalize(ns), handler))
            throw new InvalidOperationException($"Namespace '{ns}' already has an error handler.");
        return this;
    }

    public ISocketIOBuilder OnErrorDefault(Func<ISocket, Exception, string, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (DefaultErrorHandler is not null)
            throw new InvalidOperationException("A default error handler is already registered.");
        DefaultErrorHandler = handler;
        return this;
    }

    public ISocketIOBuilder Use(Func<ISocket, Func<Task>, Task> middleware, string ns = "/")
    {
        ArgumentNullException.ThrowIfNull(middleware);
        For(Normalize(ns)).Middleware.Add(middleware);
        return this;
    }

    public ISocketIOBuilder UsePacket(Func<ISocket, string, JsonElement[], Func<Task>, Task> middleware, string ns = "/")
    {
        ArgumentNullException.ThrowIfNull(middleware);
        For(Normalize(ns)).PacketMiddleware.Add(middleware);
        return this;
    }

    public ISocketIOBuilder AddNamespace<T>(string ns) where T : SocketIONamespace
    {
        foreach (var found in HandlerDiscovery.NamespaceClass(typeof(T), Normalize(ns)))
            Add(Normalize(found.Namespace), found.EventName, HandlerInvoker.ForMethod(found.Method, typeof(T)));
        return this;
    }

    public ISocketIOBuilder AddHandlers<T>(string ns = "/") where T : class
    {
        var any = false;
        foreach (var found in HandlerDiscovery.Attributed(typeof(T), Normalize(ns)))
        {
            Add(Normalize(found.Namespace), found.EventName, HandlerInvoker.ForMethod(found.Method, typeof(T)));
            any = true;
        }
        if (!any)
            throw new ArgumentException($"{typeof(T).Name} has no [On], [OnConnect] or [OnDisconnect] methods.", nameof(T));
        return this;
    }

    /// <summary><c>"chat"</c> → <c>"/chat"</c>; <c>"*"</c> stays.</summary>
    /// <exception cref="ArgumentException"><paramref name="ns"/> is the library's warm-up namespace.</exception>
    internal static string Normalize(string ns)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        var normalized = ns == AnyNamespace || ns.StartsWith('/') ? ns : "/" + ns;
        return normalized == WarmUpNamespace.Name
            ? throw new ArgumentException($"Namespace '{WarmUpNamespace.Name}' is the server's own (its start-up warm-up).", nameof(ns))
            : normalized;
    }

    private SocketIOBuilder Add(string ns, string eventName, HandlerInvoker invoker)
    {
        var handlers = For(ns);
        switch (eventName)
        {
            case HandlerDiscovery.ConnectEvent:
                handlers.Connect = handlers.Connect is null ? invoker : throw Duplicate(ns, eventName, invoker);
                break;
            case HandlerDiscovery.DisconnectEvent:
                handlers.Disconnect = handlers.Disconnect is null ? invoker : throw Duplicate(ns, eventName, invoker);
                break;
            default:
                if (!handlers.Events.TryAdd(eventName, invoker))
                    throw Duplicate(ns, eventName, invoker);
                break;
        }
        return this;
    }

    private NamespaceHandlers For(string ns)
    {
        if (!_namespaces.TryGetValue(ns, out var handlers))
            _namespaces[ns] = handlers = new NamespaceHandlers();
        return handlers;
    }

    // Flask silently keeps the last one; two handlers for one event is almost always a mistake, so say so at startup.
    private static InvalidOperationException Duplicate(string ns, string eventName, HandlerInvoker invoker) =>
        new($"Event '{eventName}' in namespace '{ns}' already has a handler (registering {invoker.Description}).");
}
