using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansSocket.Grains.Handlers;

/// <summary>
/// One handler (delegate or method) with everything needed to call it, built once at registration:
/// parameter plans, a <see cref="MethodInvoker"/>, an instance factory for handler classes, and the return adapter.
/// </summary>
internal sealed class HandlerInvoker
{
    /// <summary>The result of a handler that returns nothing: acknowledged with no arguments.</summary>
    public static readonly object NoValue = new();

    private static readonly Task<object?> NoValueTask = Task.FromResult<object?>(NoValue);

    private readonly MethodInfo _method;
    private readonly ParameterBinder[] _parameters;
    private readonly int _argumentCount;
    private readonly bool _hasRest;
    private readonly MethodInvoker _invoker;
    private readonly object? _target;
    private readonly Type? _instanceType;
    private readonly Type? _handlerClass;
    private readonly ObjectFactory? _instanceFactory;
    private readonly ReturnAdapter? _returns; // null: the method returns a value, or nothing, synchronously
    private readonly bool _returnsVoid;
    private readonly HandlerAuthorization? _authorization;

    private HandlerInvoker(MethodInfo method, ParameterBinder[] parameters, MethodInvoker invoker, object? target, Type? instanceType,
        Type? handlerClass)
    {
        if (method.ContainsGenericParameters)
            throw new ArgumentException($"Handler {Describe(method)} is generic; handlers must be closed methods.");
        if (method.ReturnType == typeof(void) && method.IsDefined(typeof(AsyncStateMachineAttribute), inherit: false))
            throw new ArgumentException($"Handler {Describe(method)} is async void, which cannot be awaited or have its exceptions caught; return Task.");

        _method = method;
        _parameters = parameters;
        _argumentCount = _parameters.Count(p => p.Source == ParameterSource.Argument);
        _hasRest = _parameters.Any(p => p.Source is ParameterSource.Rest or ParameterSource.Payload);
        TakesWholePayload = _argumentCount == 0 && _parameters.Any(p => p.Source == ParameterSource.Payload)
            && !_parameters.Any(p => p.Source == ParameterSource.Rest);

        _invoker = invoker;
        _target = target;
        _instanceType = instanceType;
        _handlerClass = handlerClass;
        if (instanceType is not null)
            _instanceFactory = ActivatorUtilities.CreateFactory(instanceType, Type.EmptyTypes);
        _returns = ReturnAdapter.For(method.ReturnType);
        _returnsVoid = method.ReturnType == typeof(void);
        TakesAck = _parameters.Any(p => p.Source == ParameterSource.Ack);
        Description = Describe(method);
        _authorization = HandlerAuthorization.For(method, handlerClass, Description);
        // Decided here, once: a handler that reads nothing from DI runs with no scope (nothing created per event).
        NeedsScope = _authorization is not null || _parameters.Any(p => p.UsesServices)
            || (instanceType is not null && HasConstructorDependencies(instanceType));
        NeedsNoSocket = !NeedsScope && !_parameters.Any(p => p.Source is ParameterSource.Socket or ParameterSource.Ack)
            && (instanceType is null || !typeof(SocketIOHandler).IsAssignableFrom(instanceType));
    }

    private static ParameterBinder[] Plan(ParameterInfo[] parameterInfos)
    {
        var nullability = new NullabilityInfoContext();
        var parameters = new ParameterBinder[parameterInfos.Length];
        for (var i = 0; i < parameterInfos.Length; i++)
            parameters[i] = ParameterBinder.Create(parameterInfos[i], i == parameterInfos.Length - 1, nullability);
        return parameters;
    }

    // Any constructor with parameters: ActivatorUtilities may pick it, and it takes them from the container.
    private static bool HasConstructorDependencies(Type type) =>
        type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).Any(c => c.GetParameters().Length > 0);

    /// <summary>For logs and errors: <c>Type.Method</c>.</summary>
    public string Description { get; }

    /// <summary>
    /// The handler's only client-argument parameter is a <see cref="SocketPayload"/> (besides socket, services,
    /// cancellation token): it gets all the arguments, so <see cref="InvokeWithPayload"/> can hand it the
    /// payload as received, without parsing and re-serialising it.
    /// </summary>
    public bool TakesWholePayload { get; }

    /// <summary>The handler takes an <see cref="IAck"/>: the only kind that needs the event's ack callback.</summary>
    public bool TakesAck { get; }

    /// <summary>
    /// A call may still be running when it returns: the method returns a task, [Authorize] checks the user first, or
    /// the call's DI scope is disposed after it (a service's <c>DisposeAsync</c> may wait). Otherwise the call is over
    /// when it returns.
    /// </summary>
    public bool CanWait => _returns is not null || _authorization is not null || NeedsScope;

    /// <summary>
    /// Each call runs in a DI scope of its own: the handler's class has constructor dependencies, or a parameter
    /// takes the <see cref="IServiceProvider"/> or a service, or it has <c>[Authorize]</c> (authorization handlers
    /// may be scoped). Other handlers run with no scope at all.
    /// </summary>
    public bool NeedsScope { get; }

    /// <summary>
    /// The handler reads nothing of its socket and nothing from DI: no <see cref="ISocket"/>, <see cref="IAck"/>,
    /// service or provider parameter, no <c>[Authorize]</c>, no <see cref="SocketIOHandler"/> class. It then touches
    /// no state of the socket's grain, so it may run off the grain's turn (<see cref="SocketIOHandlerRegistry.DetachedHandler"/>).
    /// </summary>
    public bool NeedsNoSocket { get; }

    /// <summary>No parameter takes the rest of the arguments: <see cref="InvokeFromJson"/> can bind them one by one.
    /// An [Authorize] handler takes <see cref="Invoke"/>, which checks the user before binding.</summary>
    public bool BindsFromJson => !_hasRest && _authorization is null;

    public static HandlerInvoker ForDelegate(Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var method = handler.Method;
        // A lambda or method group: call its method on its target, where the parameter names, defaults and
        // nullability annotations live. Multicast and closed-static delegates don't map 1:1, so call Invoke.
        if (handler.GetInvocationList().Length == 1 && method.IsStatic == (handler.Target is null))
            return new HandlerInvoker(method, Plan(method.GetParameters()), MethodInvoker.Create(method), handler.Target,
                instanceType: null, handlerClass: null);
        var invoke = handler.GetType().GetMethod("Invoke")!;
        return new HandlerInvoker(invoke, Plan(invoke.GetParameters()), MethodInvoker.Create(invoke), handler,
            instanceType: null, handlerClass: null);
    }

    /// <summary>A method of a handler class; instance methods get a new <paramref name="type"/> per call, made with the
    /// call's DI scope (a cached <see cref="ObjectFactory"/>, no reflection per call).</summary>
    public static HandlerInvoker ForMethod(MethodInfo method, Type type) =>
        new(method, Plan(method.GetParameters()), MethodInvoker.Create(method), target: null, method.IsStatic ? null : type,
            handlerClass: type);

    /// <summary>
    /// This handler with its client-argument parameters whose types are registered services taken from DI instead
    /// (<see cref="ParameterBinder.AsRegisteredService"/>); itself when there are none. Called once, when the
    /// registry is built from the container.
    /// </summary>
    public HandlerInvoker WithRegisteredServices(IServiceProviderIsService isService)
    {
        ArgumentNullException.ThrowIfNull(isService);
        ParameterBinder[]? changed = null;
        for (var i = 0; i < _parameters.Length; i++)
        {
            if (_parameters[i].AsRegisteredService(isService) is not { } service) continue;
            changed ??= (ParameterBinder[])_parameters.Clone();
            changed[i] = service;
        }
        return changed is null ? this : new HandlerInvoker(_method, changed, _invoker, _target, _instanceType, _handlerClass);
    }

    /// <summary>
    /// Binds the client's arguments and calls the handler. Returns its result, <see cref="NoValue"/>
    /// for no result. <paramref name="ignoreExtraArguments"/> is for connect/disconnect, whose handlers may ignore
    /// the auth or reason the dispatcher always offers.
    /// </summary>
    /// <exception cref="SocketIOBindingException">the arguments do not fit the parameters.</exception>
    /// <param name="socket">The socket the event came from; injected into <see cref="ISocket"/> parameters.</param>
    /// <param name="args">The client's arguments, bound positionally to the other parameters.</param>
    /// <param name="attachments">The binary attachments the arguments' placeholders point at, if any.</param>
    /// <param name="services">The provider whose <see cref="IServiceScopeFactory"/> makes the call's scope when the
    /// handler <see cref="NeedsScope"/>; the scope resolves the handler class and the injected parameters.</param>
    /// <param name="cancellationToken">Injected into handlers that take a <see cref="CancellationToken"/>.</param>
    /// <param name="ignoreExtraArguments">Drops arguments the handler has no parameter for instead of refusing them.</param>
    /// <param name="ack">The event's ack callback, for a handler that takes an <see cref="IAck"/> (which claims it);
    /// null for connect and disconnect, whose handlers get an ack that was not requested.</param>
    public Task<object?> Invoke(ISocket socket, JsonElement[] args, byte[][]? attachments, IServiceProvider services,
        CancellationToken cancellationToken, bool ignoreExtraArguments = false, AckCallback? ack = null)
    {
        if (!NeedsScope)
            return InvokeIn(services, socket, args, attachments, cancellationToken, ignoreExtraArguments, ack);
        var scope = BeginScope(services);
        Task<object?> call;
        try
        {
            call = InvokeIn(scope?.ServiceProvider ?? services, socket, args, attachments, cancellationToken, ignoreExtraArguments, ack);
        }
        catch (Exception e)
        {
            call = Task.FromException<object?>(e);
        }
        return EndScope(scope, call);
    }

    private Task<object?> InvokeIn(IServiceProvider services, ISocket socket, JsonElement[] args, byte[][]? attachments,
        CancellationToken cancellationToken, bool ignoreExtraArguments, AckCallback? ack) =>
        _authorization is null
            ? Call(Bind(socket, args, attachments, services, cancellationToken, ignoreExtraArguments, ack), socket, services)
            : InvokeAuthorized(socket, args, attachments, services, cancellationToken, ignoreExtraArguments, ack);

    // The user is checked before the arguments are bound: a refused client learns nothing about the parameters.
    private async Task<object?> InvokeAuthorized(ISocket socket, JsonElement[] args, byte[][]? attachments, IServiceProvider services,
        CancellationToken cancellationToken, bool ignoreExtraArguments, AckCallback? ack)
    {
        await _authorization!.EnsureAsync(socket, services);
        return await Call(Bind(socket, args, attachments, services, cancellationToken, ignoreExtraArguments, ack), socket, services);
    }

    /// <summary>
    /// As <see cref="Invoke"/>, binding straight from the arguments' JSON array <paramref name="json"/> (no document
    /// for typed parameters), for a packet without binary and a handler whose parameters are positional
    /// (<see cref="BindsFromJson"/>).
    /// </summary>
    /// <exception cref="SocketIOBindingException">the arguments do not fit the parameters.</exception>
    public Task<object?> InvokeFromJson(ISocket socket, ReadOnlySpan<byte> json, IServiceProvider services,
        CancellationToken cancellationToken, AckCallback? ack)
    {
        if (!NeedsScope)
            return Call(BindJson(socket, json, services, cancellationToken, ack), socket, services);
        var scope = BeginScope(services);
        var provider = scope?.ServiceProvider ?? services;
        Task<object?> call;
        try
        {
            call = Call(BindJson(socket, json, provider, cancellationToken, ack), socket, provider);
        }
        catch (Exception e)
        {
            call = Task.FromException<object?>(e);
        }
        return EndScope(scope, call);
    }

    /// <summary>
    /// For <see cref="TakesWholePayload"/> handlers: calls with <paramref name="payload"/> itself (a JSON array of
    /// the client's arguments, binary values as placeholders into its attachments) as the payload parameter.
    /// </summary>
    public Task<object?> InvokeWithPayload(ISocket socket, SocketPayload payload, IServiceProvider services,
        CancellationToken cancellationToken, AckCallback? ack = null)
    {
        if (!NeedsScope)
            return InvokeWithPayloadIn(services, socket, payload, cancellationToken, ack);
        var scope = BeginScope(services);
        Task<object?> call;
        try
        {
            call = InvokeWithPayloadIn(scope?.ServiceProvider ?? services, socket, payload, cancellationToken, ack);
        }
        catch (Exception e)
        {
            call = Task.FromException<object?>(e);
        }
        return EndScope(scope, call);
    }

    private Task<object?> InvokeWithPayloadIn(IServiceProvider services, ISocket socket, SocketPayload payload,
        CancellationToken cancellationToken, AckCallback? ack) =>
        _authorization is null
            ? CallWithPayload(socket, payload, services, cancellationToken, ack)
            : InvokeWithPayloadAuthorized(socket, payload, services, cancellationToken, ack);

    private async Task<object?> InvokeWithPayloadAuthorized(ISocket socket, SocketPayload payload, IServiceProvider services,
        CancellationToken cancellationToken, AckCallback? ack)
    {
        await _authorization!.EnsureAsync(socket, services);
        return await CallWithPayload(socket, payload, services, cancellationToken, ack);
    }

    /// <summary>
    /// A new scope for one call, from the container's <see cref="IServiceScopeFactory"/> (the root's: Microsoft's
    /// container hands the same factory to every scope, so the grain activation's provider makes no nested scope).
    /// Null for a provider that makes no scopes (a test's stub): the call then runs in that provider.
    /// </summary>
    private static AsyncServiceScope? BeginScope(IServiceProvider services) =>
        services.GetService(typeof(IServiceScopeFactory)) is IServiceScopeFactory factory ? factory.CreateAsyncScope() : null;

    /// <summary>The scope ends when the call's task does, whether it ran to completion or failed.</summary>
    private static Task<object?> EndScope(AsyncServiceScope? scope, Task<object?> call)
    {
        if (scope is not { } owned)
            return call;
        if (!call.IsCompleted)
            return DisposeAfterAsync(owned, call);
        // Most handlers finish synchronously, and so does disposing their services: no state machine then.
        ValueTask disposing;
        try
        {
            disposing = owned.DisposeAsync();
        }
        catch (Exception e)
        {
            return Task.FromException<object?>(e);
        }
        return disposing.IsCompletedSuccessfully ? call : AfterDisposalAsync(disposing, call);
    }

    private static async Task<object?> AfterDisposalAsync(ValueTask disposing, Task<object?> call)
    {
        await disposing;
        return await call;
    }

    // No ConfigureAwait(false): the scope is disposed on the grain's scheduler, like the rest of the handler.
    private static async Task<object?> DisposeAfterAsync(AsyncServiceScope scope, Task<object?> call)
    {
        try
        {
            return await call;
        }
        finally
        {
            await scope.DisposeAsync();
        }
    }

    private Task<object?> CallWithPayload(ISocket socket, SocketPayload payload, IServiceProvider services,
        CancellationToken cancellationToken, AckCallback? ack)
    {
        var values = new object?[_parameters.Length];
        for (var i = 0; i < _parameters.Length; i++)
        {
            // The payload parameter is the only other kind such a handler has.
            values[i] = _parameters[i].IsSuppliedByServer
                ? ServerValue(_parameters[i], socket, services, cancellationToken, ack)
                : payload;
        }
        return Call(values, socket, services);
    }

    private Task<object?> Call(object?[] values, ISocket socket, IServiceProvider services)
    {
        object? instance = null;
        if (_instanceFactory is not null)
        {
            instance = _instanceFactory(services, null);
            if (instance is SocketIOHandler handler)
                handler.Socket = socket;
        }
        if (_returns is not null || instance is IDisposable or IAsyncDisposable)
            return CallAsync(instance, values);
        // A value (or nothing) returned synchronously, and no instance to dispose: no state machine, no adapter.
        var returned = InvokeMethod(instance, values);
        return _returnsVoid ? NoValueTask : Task.FromResult(returned);
    }

    private async Task<object?> CallAsync(object? instance, object?[] values)
    {
        try
        {
            var returned = InvokeMethod(instance, values);
            return _returns is null ? _returnsVoid ? NoValue : returned : await _returns.Adapt(returned);
        }
        finally
        {
            if (instance is IAsyncDisposable asyncDisposable)
                await asyncDisposable.DisposeAsync();
            else if (instance is IDisposable disposable)
                disposable.Dispose();
        }
    }

    private object? InvokeMethod(object? instance, object?[] values)
    {
        try
        {
            return _invoker.Invoke(instance ?? _target, values.AsSpan());
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    // Synchronous on purpose: the attachment scope is thread-static and must not span an await.
    private object?[] Bind(ISocket socket, JsonElement[] args, byte[][]? attachments, IServiceProvider services,
        CancellationToken cancellationToken, bool ignoreExtraArguments, AckCallback? ack)
    {
        if (args.Length > _argumentCount && !_hasRest && !ignoreExtraArguments)
            throw TooMany(args.Length);

        var values = new object?[_parameters.Length];
        var next = 0;
        // Only a packet with binary opens the scope its placeholders resolve in; without one they do not resolve.
        using var scope = attachments is null ? (BinaryAttachments.Scope?)null : BinaryAttachments.Reading(attachments);
        for (var i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i];
            if (parameter.IsSuppliedByServer)
            {
                values[i] = ServerValue(parameter, socket, services, cancellationToken, ack);
                continue;
            }
            switch (parameter.Source)
            {
                case ParameterSource.Payload:
                    // Placeholders stay as they are and keep indexing the packet's attachments.
                    values[i] = new SocketPayload(
                        JsonSerializer.SerializeToUtf8Bytes(args.AsSpan(Math.Min(next, args.Length)).ToArray()), attachments);
                    next = args.Length;
                    break;
                case ParameterSource.Rest:
                    try
                    {
                        values[i] = parameter.ConvertRest(args.AsSpan(Math.Min(next, args.Length)));
                    }
                    catch (Exception e) when (IsConversionFailure(e))
                    {
                        throw BindingError(parameter, next, e);
                    }
                    next = args.Length;
                    break;
                default:
                    try
                    {
                        values[i] = next < args.Length ? parameter.Convert(args[next]) : Missing(parameter, next, args.Length);
                    }
                    catch (Exception e) when (IsConversionFailure(e))
                    {
                        throw BindingError(parameter, next, e);
                    }
                    next++;
                    break;
            }
        }
        return values;
    }

    private object?[] BindJson(ISocket socket, ReadOnlySpan<byte> json, IServiceProvider services,
        CancellationToken cancellationToken, AckCallback? ack)
    {
        var count = CountArguments(json);
        if (count > _argumentCount)
            throw TooMany(count);

        var reader = new Utf8JsonReader(json);
        reader.Read(); // the array
        var values = new object?[_parameters.Length];
        var next = 0;
        for (var i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i];
            if (parameter.IsSuppliedByServer)
            {
                values[i] = ServerValue(parameter, socket, services, cancellationToken, ack);
                continue;
            }
            // A client argument: BindsFromJson leaves no other kind.
            try
            {
                values[i] = next < count && reader.Read() ? parameter.Read(ref reader) : Missing(parameter, next, count);
            }
            catch (Exception e) when (IsConversionFailure(e))
            {
                throw BindingError(parameter, next, e);
            }
            next++;
        }
        return values;
    }

    /// <summary>How many values the JSON array holds (read, not parsed).</summary>
    private static int CountArguments(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            reader.Skip();
            count++;
        }
        return count;
    }

    /// <summary>The value of a parameter the server supplies (<see cref="ParameterBinder.IsSuppliedByServer"/>).</summary>
    private static object? ServerValue(ParameterBinder parameter, ISocket socket, IServiceProvider services,
        CancellationToken cancellationToken, AckCallback? ack) => parameter.Source switch
    {
        ParameterSource.Socket => socket,
        ParameterSource.CancellationToken => cancellationToken,
        ParameterSource.Services => services,
        ParameterSource.Service => parameter.Resolve(services),
        ParameterSource.Ack => Claim(ack),
        _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter.Source, "A client argument, not a server-supplied value."),
    };

    /// <summary>The value of a parameter the client sent no argument for, if it may be left out.</summary>
    private object? Missing(ParameterBinder parameter, int position, int sent) => parameter.IsOptional
        ? parameter.Missing
        : throw new SocketIOBindingException(
            $"{Description} needs a value for parameter '{parameter.Name}' (argument {position + 1}) but the client sent {sent} argument(s).",
            parameter.Name);

    private SocketIOBindingException TooMany(int sent) =>
        new($"{Description} takes {_argumentCount} argument(s) but the client sent {sent}.");

    private static AckCallback Claim(AckCallback? ack)
    {
        ack ??= new AckCallback(requested: false);
        ack.Claim();
        return ack;
    }

    // What System.Text.Json throws for JSON that does not fit the type (SocketIOBindingException, for null, passes as it is).
    private static bool IsConversionFailure(Exception e) =>
        e is JsonException or FormatException or InvalidOperationException or NotSupportedException or ArgumentException;

    private SocketIOBindingException BindingError(ParameterBinder parameter, int position, Exception e) =>
        new($"{Description}: argument {position + 1} does not bind to parameter '{parameter.Name}' ({parameter.Type.Name}): {e.Message}",
            parameter.Name, e);

    // Lambdas compile to mangled names ("<>c.<Main>b__0_0") that would only confuse an error message.
    private static string Describe(MethodInfo method) =>
        method.Name.Contains('<') ? "Lambda handler" : $"{method.DeclaringType?.Name}.{method.Name}";
}
