using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OrleansSocket.Grains.Handlers;

/// <summary>
/// The application's handlers, as the socket grain calls them: connect, one event at a time, disconnect.
/// A singleton, read-only after construction (shared by all socket grains of the silo).
/// </summary>
/// <remarks>
/// <para>Never throws for what handlers or clients do: handler exceptions and arguments that do not bind go to the
/// namespace's error handler (<see cref="ISocketIOBuilder.OnError"/>), else the default one, else the log.</para>
/// <para>Each handler call that reads anything from DI (connect, event, disconnect, upgrade) runs in a DI scope of its
/// own, disposed when the call's task completes (<see cref="HandlerInvoker.NeedsScope"/>); middleware, catch-all and
/// error handlers have fixed signatures that take no services, so they need none.</para>
/// </remarks>
internal sealed class SocketIOHandlerRegistry
{
    private static readonly object NotHandled = new();

    private readonly Dictionary<string, NamespaceHandlers> _namespaces;
    private readonly NamespaceHandlers? _wildcard;
    private readonly bool _wildcardAcceptsAll;
    private readonly Dictionary<string, Func<ISocket, Exception, string, Task>> _errorHandlers;
    private readonly Func<ISocket, Exception, string, Task>? _defaultErrorHandler;
    private readonly ILogger _logger;

    /// <param name="builder">The registrations.</param>
    /// <param name="logger">Where failures no error handler takes go.</param>
    /// <param name="isService">The container's answer to "is this type a service?": handler parameters of such types are
    /// resolved from DI rather than bound from the client's arguments, decided here once. Null: only parameters marked
    /// <c>[FromServices]</c>/<c>[FromKeyedServices]</c> are.</param>
    internal SocketIOHandlerRegistry(SocketIOBuilder builder, ILogger<SocketIOHandlerRegistry>? logger,
        IServiceProviderIsService? isService = null)
    {
        var any = builder.Namespaces.GetValueOrDefault(SocketIOBuilder.AnyNamespace);
        Func<HandlerInvoker, HandlerInvoker> finish = isService is null ? static h => h : h => h.WithRegisteredServices(isService);
        _namespaces = builder.Namespaces.ToDictionary(kv => kv.Key, kv => kv.Value.Snapshot(any, finish), StringComparer.Ordinal);
        _namespaces[WarmUpNamespace.Name] = WarmUpHandlers.Create(finish);
        _wildcard = _namespaces.GetValueOrDefault(SocketIOBuilder.AnyNamespace);
        // "*" middleware only applies to namespaces that exist for another reason; "*" handlers serve any namespace.
        _wildcardAcceptsAll = _wildcard is { } w && (w.Events.Count > 0 || w.CatchAll is not null || w.Connect is not null || w.Disconnect is not null);
        _errorHandlers = new(builder.ErrorHandlers, StringComparer.Ordinal);
        _defaultErrorHandler = builder.DefaultErrorHandler;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Builds a registry without a service collection (tests, tools).</summary>
    public static SocketIOHandlerRegistry Create(Action<ISocketIOBuilder> configure, ILogger<SocketIOHandlerRegistry>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new SocketIOBuilder();
        configure(builder);
        return new SocketIOHandlerRegistry(builder, logger);
    }

    /// <summary>
    /// Whether clients may connect to <paramref name="ns"/>: a handler, namespace class or middleware is registered
    /// for it, or a handler (event, catch-all, connect, disconnect) for <c>"*"</c> — <c>"*"</c> middleware or error
    /// handlers alone do not open every namespace. The main namespace <c>"/"</c> always exists, as in Node and python-socketio.
    /// </summary>
    public bool HasNamespace(string ns) => ns == "/" || _wildcardAcceptsAll || (ns != SocketIOBuilder.AnyNamespace && _namespaces.ContainsKey(ns));

    /// <summary>
    /// Runs the connection middleware, then the connect handler with the client's auth.
    /// Refusals: unknown namespace → "Invalid namespace"; the handler returns <c>false</c>, a middleware does not call
    /// <c>next</c>, or anything throws other than <see cref="ConnectionRefusedException"/> → "Connection rejected by server"
    /// (unexpected exceptions also go to the error handlers, with event name <c>connect</c>);
    /// <see cref="ConnectionRefusedException"/> → its message and data.
    /// </summary>
    /// <param name="socket">The connecting socket; its handshake carries the auth.</param>
    /// <param name="services">The provider the handler's DI scope comes from (its <see cref="IServiceScopeFactory"/>).</param>
    /// <param name="cancellationToken">Injected into handlers that take a <see cref="CancellationToken"/>.</param>
    /// <param name="skipMiddleware">Runs the connect handler only (a recovered session, <see cref="ConnectionStateRecoveryOptions.SkipMiddlewares"/>).</param>
    public async Task<ConnectResult> Connect(ISocket socket, IServiceProvider services, CancellationToken cancellationToken = default, bool skipMiddleware = false)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(services);
        var ns = socket.Namespace;
        if (!HasNamespace(ns))
            return ConnectResult.InvalidNamespace;

        var own = _namespaces.GetValueOrDefault(ns) ?? _wildcard;
        var handler = own?.Connect ?? _wildcard?.Connect;
        var accepted = false;
        try
        {
            // A recovered session was let in before: Node skips the middleware then (skipMiddlewares).
            await MiddlewarePipeline.RunConnect(skipMiddleware ? [] : own?.Middleware ?? [], socket, async () =>
            {
                if (handler is null)
                {
                    accepted = true;
                    return;
                }
                var auth = socket.Handshake.AuthJson is { Length: > 0 } json ? PayloadSerializer.ParseElement(json) : EmptyObject();
                var result = await handler.Invoke(socket, [auth], null, services, cancellationToken, ignoreExtraArguments: true);
                accepted = result is not false;
            });
        }
        catch (ConnectionRefusedException refused)
        {
            return new ConnectResult(false, refused.Message,
                refused.ErrorData is null ? null : PayloadSerializer.SerializeValue(refused.ErrorData));
        }
        catch (SocketIOAuthorizationException denied)
        {
            HandlerLog.NotAuthorized(_logger, HandlerDiscovery.ConnectEvent, ns, socket.Id, denied.StatusCode);
            return new ConnectResult(false, denied.Message, PayloadSerializer.SerializeValue(new { status = denied.StatusCode }));
        }
        catch (Exception e)
        {
            await ReportError(socket, e, HandlerDiscovery.ConnectEvent);
            return new ConnectResult(false, ConnectionRefusedException.DefaultMessage);
        }
        return accepted ? ConnectResult.Ok : new ConnectResult(false, ConnectionRefusedException.DefaultMessage);
    }

    /// <summary>
    /// Runs the packet middleware and the event's handler: the namespace's handler for the event, else its
    /// catch-all, else the <c>"*"</c> namespace's handler, else its catch-all (python-socketio's order).
    /// </summary>
    /// <returns>
    /// The ACK arguments when <see cref="ClientEvent.WantsAck"/>, else null. Also null — no ack at all — when there is
    /// no handler, a packet middleware dropped the event, or the handler failed (binding error or exception): an
    /// empty ack would tell the client the call succeeded, and Socket.IO has no error ack; the client's ack timeout
    /// reports the failure instead.
    /// </returns>
    /// <remarks>A handler that takes an <see cref="IAck"/> answers through it: what it sends before this returns is the result.</remarks>
    public async Task<SocketPayload?> Dispatch(ISocket socket, ClientEvent ev, IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(ev);
        var ack = Handling(socket, ev.Event).TakesAck ? new AckCallback(ev.WantsAck) : null;
        var result = await Dispatch(socket, ev, services, ack, cancellationToken);
        return result ?? ack?.Detach(late: null);
    }

    /// <summary>
    /// What the socket grain needs to know before it dispatches <paramref name="eventName"/> in
    /// <paramref name="socket"/>'s namespace: whether the handler it reaches takes an <see cref="IAck"/>, and so needs
    /// the event's ack callback (see <see cref="Dispatch(ISocket, ClientEvent, IServiceProvider, AckCallback?, CancellationToken)"/>),
    /// and whether the dispatch may still be running when it returns.
    /// </summary>
    internal EventHandling Handling(ISocket socket, string eventName)
    {
        var own = _namespaces.GetValueOrDefault(socket.Namespace);
        var direct = own is not null && own.Events.TryGetValue(eventName, out var found) ? found : null;
        var handler = direct ?? (_wildcard is not null && _wildcard.Events.TryGetValue(eventName, out var any) ? any : null);
        // Only Dispatch's direct path (the namespace's own handler, no packet middleware) is known to be over when it
        // returns, for a handler that cannot wait; a catch-all or middleware may always wait.
        var mayWait = direct is null || own!.PacketMiddleware is { Count: > 0 } || direct.CanWait;
        return new EventHandling(handler?.TakesAck ?? false, mayWait);
    }

    /// <summary>As <see cref="Dispatch(ISocket, ClientEvent, IServiceProvider, CancellationToken)"/>, with the event's ack
    /// callback when the handler takes an <see cref="IAck"/> (<see cref="EventHandling.TakesAck"/>; else null): the handler claims it,
    /// and it then carries the answer.</summary>
    internal async Task<SocketPayload?> Dispatch(ISocket socket, ClientEvent ev, IServiceProvider services, AckCallback? ack,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(ev);
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            var own = _namespaces.GetValueOrDefault(socket.Namespace);
            var packetMiddleware = (own ?? _wildcard)?.PacketMiddleware;
            object? result = NotHandled;
            if (packetMiddleware is not { Count: > 0 } && own is not null && own.Events.TryGetValue(ev.Event, out var direct))
            {
                // The namespace's own handler and nothing in between: called straight away.
                result = await InvokeDirect(direct, socket, ev, services, ack, cancellationToken);
            }
            else
            {
                var args = PayloadSerializer.ToJsonArgs(ev.Payload);
                if (ev.Payload.Attachments is { Length: > 0 } attachments) ReceivedBinary.Enter(attachments, args);
                result = packetMiddleware is not { Count: > 0 }
                    ? await InvokeEvent(socket, ev, args, services, ack, cancellationToken)
                    : await InvokeThroughMiddleware(packetMiddleware, socket, ev, args, services, ack, cancellationToken);
            }

            if (!ev.WantsAck || result == NotHandled || ack is { Claimed: true })
                return null;
            return ToAck(result);
        }
        catch (Exception e)
        {
            await ReportError(socket, e, ev.Event);
            return null;
        }
    }

    /// <summary>
    /// The handler <paramref name="eventName"/> reaches in <paramref name="ns"/> when it may run off its socket grain's turn:
    /// the namespace's own handler, with no packet middleware before it, that needs nothing of the socket
    /// (<see cref="HandlerInvoker.NeedsNoSocket"/>). Null when the event must run on the turn (catch-all, middleware,
    /// <c>"*"</c> handler, a handler that reads the socket or DI, no handler).
    /// </summary>
    internal HandlerInvoker? DetachedHandler(string ns, string eventName) =>
        _namespaces.GetValueOrDefault(ns) is { PacketMiddleware.Count: 0 } own && own.Events.TryGetValue(eventName, out var direct) &&
        direct.NeedsNoSocket ? direct : null;

    /// <summary>
    /// Runs <paramref name="handler"/> (from <see cref="DetachedHandler"/>) for <paramref name="ev"/> on the calling thread, as
    /// <see cref="Dispatch(ISocket, ClientEvent, IServiceProvider, AckCallback?, CancellationToken)"/> would run it, and returns the
    /// answer (null when the client asked for none or the handler failed). A failure is handed to
    /// <paramref name="reportError"/> (socket, error, event name), which runs the error handlers where the socket's state may
    /// be read: its grain's turn (<see cref="ReportErrorAsync"/> there).
    /// </summary>
    internal async Task<SocketPayload?> DispatchDetached(HandlerInvoker handler, ISocket socket, ClientEvent ev, IServiceProvider services,
        Action<ISocket, Exception, string> reportError)
    {
        try
        {
            var result = await InvokeDirect(handler, socket, ev, services, ack: null, CancellationToken.None);
            return ev.WantsAck ? ToAck(result) : null;
        }
        catch (Exception e)
        {
            reportError(socket, e, ev.Event);
            return null;
        }
    }

    /// <summary>Reports a handler's failure as <see cref="Dispatch(ISocket, ClientEvent, IServiceProvider, AckCallback?, CancellationToken)"/>
    /// does: to the namespace's error handler, else the default one, else the log.</summary>
    internal Task ReportErrorAsync(ISocket socket, Exception error, string eventName) => ReportError(socket, error, eventName);

    /// <summary>The namespace's own handler, called with the arguments bound the cheapest way the payload allows.</summary>
    private static Task<object?> InvokeDirect(HandlerInvoker direct, ISocket socket, ClientEvent ev, IServiceProvider services,
        AckCallback? ack, CancellationToken cancellationToken)
    {
        var attachments = ev.Payload.Attachments;
        var isArray = IsJsonArray(ev.Payload.ArgsJson);
        // Copy-through: the handler takes the arguments as a SocketPayload and nothing else reads them, so they are not
        // parsed (the gateway's decoder has validated them) nor re-serialised.
        if (direct.TakesWholePayload && isArray)
            return direct.InvokeWithPayload(socket, ev.Payload, services, cancellationToken, ack);
        // No binary and nothing else reads the arguments: bound from the JSON as it came, with no document.
        if (isArray && attachments is not { Length: > 0 } && direct.BindsFromJson)
            return direct.InvokeFromJson(socket, ev.Payload.ArgsJson, services, cancellationToken, ack);
        var directArgs = PayloadSerializer.ToJsonArgs(ev.Payload);
        // JsonElement arguments the handler emits again keep their binary (on the caller's async flow only).
        if (attachments is { Length: > 0 }) ReceivedBinary.Enter(attachments, directArgs);
        return direct.Invoke(socket, directArgs, attachments, services, cancellationToken, ack: ack);
    }

    /// <summary>The packet middleware, then the event's handler: <see cref="NotHandled"/> when a middleware did not go on.</summary>
    /// <remarks>A method of its own: the lambda's captures, made in <see cref="Dispatch(ISocket, ClientEvent, IServiceProvider, AckCallback?, CancellationToken)"/>,
    /// were an allocation per event there, middleware or not.</remarks>
    private async Task<object?> InvokeThroughMiddleware(List<Func<ISocket, string, JsonElement[], Func<Task>, Task>> packetMiddleware, ISocket socket, ClientEvent ev,
        JsonElement[] args, IServiceProvider services, AckCallback? ack, CancellationToken cancellationToken)
    {
        object? result = NotHandled;
        await MiddlewarePipeline.RunPacket(packetMiddleware, socket, ev.Event, args,
            async () => result = await InvokeEvent(socket, ev, args, services, ack, cancellationToken));
        return result;
    }

    private static SocketPayload ToAck(object? result) => result switch
    {
        _ when result == HandlerInvoker.NoValue => SocketPayload.Empty,
        SocketPayload raw => raw,
        Ack ack => PayloadSerializer.Serialize(ack.Args as object?[] ?? [.. ack.Args]),
        _ => PayloadSerializer.Serialize(result),
    };

    /// <summary>Starts like a JSON array (what the gateway's decoder guarantees); anything else takes the parsing path and its error.</summary>
    private static bool IsJsonArray(byte[] json)
    {
        foreach (var b in json)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') continue;
            return b == (byte)'[';
        }
        return false;
    }

    /// <summary>Runs the disconnect handler with the reason; its exceptions go to the error handlers (event name <c>disconnect</c>).</summary>
    public Task Disconnect(ISocket socket, string reason, IServiceProvider services, CancellationToken cancellationToken = default) =>
        RunWithOneArgument(socket, static h => h.Disconnect, reason, HandlerDiscovery.DisconnectEvent, services, cancellationToken);

    /// <summary>Runs the upgrade handler with the new transport's name; its exceptions go to the error handlers (event name <c>upgrade</c>).</summary>
    public Task Upgrade(ISocket socket, string transport, IServiceProvider services, CancellationToken cancellationToken = default) =>
        RunWithOneArgument(socket, static h => h.Upgrade, transport, HandlerDiscovery.UpgradeEvent, services, cancellationToken);

    /// <summary>A handler the server calls (not a client event) with one string it may take or ignore.</summary>
    private async Task RunWithOneArgument(ISocket socket, Func<NamespaceHandlers, HandlerInvoker?> select, string argument,
        string eventName, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(services);
        var own = _namespaces.GetValueOrDefault(socket.Namespace);
        var handler = (own is null ? null : select(own)) ?? (_wildcard is null ? null : select(_wildcard));
        if (handler is null)
            return;
        try
        {
            await handler.Invoke(socket, [JsonSerializer.SerializeToElement(argument)], null, services, cancellationToken,
                ignoreExtraArguments: true);
        }
        catch (Exception e)
        {
            await ReportError(socket, e, eventName);
        }
    }

    private Task<object?> InvokeEvent(ISocket socket, ClientEvent ev, JsonElement[] args, IServiceProvider services,
        AckCallback? ack, CancellationToken cancellationToken)
    {
        var own = _namespaces.GetValueOrDefault(socket.Namespace);
        var call = (own is null ? null : Find(own, socket, ev, args, services, ack, cancellationToken))
            ?? (_wildcard is null || ReferenceEquals(own, _wildcard) ? null : Find(_wildcard, socket, ev, args, services, ack, cancellationToken));
        if (call is not null)
            return call;
        HandlerLog.NoHandler(_logger, ev.Event, socket.Namespace, socket.Id);
        return Task.FromResult<object?>(NotHandled);
    }

    private static Task<object?>? Find(NamespaceHandlers handlers, ISocket socket, ClientEvent ev, JsonElement[] args,
        IServiceProvider services, AckCallback? ack, CancellationToken cancellationToken)
    {
        if (handlers.Events.TryGetValue(ev.Event, out var handler))
            return handler.Invoke(socket, args, ev.Payload.Attachments, services, cancellationToken, ack: ack);
        if (handlers.CatchAll is { } catchAll && !IsReserved(ev.Event))
            return catchAll(socket, ev.Event, args);
        return null;
    }

    private async Task ReportError(ISocket socket, Exception error, string eventName)
    {
        var handler = _errorHandlers.GetValueOrDefault(socket.Namespace)
            ?? _errorHandlers.GetValueOrDefault(SocketIOBuilder.AnyNamespace)
            ?? _defaultErrorHandler;
        if (handler is null)
        {
            if (error is SocketIOAuthorizationException denied)
                HandlerLog.NotAuthorized(_logger, eventName, socket.Namespace, socket.Id, denied.StatusCode);
            else if (IsClientCaused(error))
                HandlerLog.ClientArgumentsRefused(_logger, eventName, socket.Namespace, socket.Id, error.Message);
            else
                HandlerLog.HandlerFailed(_logger, error, eventName, socket.Namespace, socket.Id);
            return;
        }
        try
        {
            await handler(socket, error, eventName);
        }
        catch (Exception e)
        {
            HandlerLog.ErrorHandlerFailed(_logger, e, eventName, socket.Namespace, socket.Id, error.GetType().Name);
        }
    }

    /// <summary>Arguments that do not bind: what the client sent is wrong, not the application.</summary>
    private static bool IsClientCaused(Exception error) => error is SocketIOBindingException;

    // Events the client cannot legitimately send; never given to a catch-all.
    private static bool IsReserved(string eventName) =>
        eventName is HandlerDiscovery.ConnectEvent or HandlerDiscovery.DisconnectEvent or "connect_error";

    private static JsonElement EmptyObject() => PayloadSerializer.ParseElement("{}"u8);
}

/// <summary>How the handler an event reaches is called (<see cref="SocketIOHandlerRegistry.Handling"/>).</summary>
/// <param name="TakesAck">It takes an <see cref="IAck"/>: the dispatch needs the event's ack callback.</param>
/// <param name="MayWait">The dispatch may still be running when it returns (false: it is over by then).</param>
internal readonly record struct EventHandling(bool TakesAck, bool MayWait);
