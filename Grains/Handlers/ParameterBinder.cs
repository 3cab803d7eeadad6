using System.Collections;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansSocket.Grains.Handlers;

/// <summary>
/// The plan for one handler parameter, worked out once at registration so that binding an event does no
/// reflection lookups: where the value comes from, how JSON converts to it, and what it gets when missing.
/// </summary>
internal sealed class ParameterBinder
{
    private readonly Func<JsonElement, object?> _convert;
    private readonly object? _missingValue;

    private readonly bool _nullable;
    private readonly bool _keyed; // a [FromKeyedServices] parameter: resolved with _serviceKey
    private readonly object? _serviceKey;

    private ParameterBinder(ParameterSource source, string name, Type type, bool optional, object? missingValue,
        Func<JsonElement, object?> convert, Type? restElementType = null, bool nullable = false, bool keyed = false,
        object? serviceKey = null)
    {
        Source = source;
        Name = name;
        Type = type;
        IsOptional = optional;
        _missingValue = missingValue;
        _convert = convert;
        RestElementType = restElementType;
        _nullable = nullable;
        _keyed = keyed;
        _serviceKey = serviceKey;
    }

    public ParameterSource Source { get; }

    /// <summary>The server supplies the value (socket, cancellation token, services, a service, ack), not the client's arguments.</summary>
    public bool IsSuppliedByServer => Source is ParameterSource.Socket or ParameterSource.CancellationToken
        or ParameterSource.Services or ParameterSource.Service or ParameterSource.Ack;

    /// <summary>The value comes from the invocation's DI scope: the <see cref="IServiceProvider"/> or a service.</summary>
    public bool UsesServices => Source is ParameterSource.Services or ParameterSource.Service;
    public string Name { get; }
    public Type Type { get; }
    /// <summary>May be left out by the client: has a default value or accepts null.</summary>
    public bool IsOptional { get; }
    public Type? RestElementType { get; }

    public static ParameterBinder Create(ParameterInfo parameter, bool isLast, NullabilityInfoContext nullabilityContext)
    {
        var type = parameter.ParameterType;
        var name = parameter.Name ?? $"arg{parameter.Position}";
        if (type.IsByRef || type.IsPointer)
            throw new ArgumentException($"Handler parameter '{name}' is by-ref or a pointer; handlers take values.");

        var nullability = nullabilityContext.Create(parameter);
        if (ServiceMarker(parameter, name) is { } marker)
        {
            // Optional as in minimal APIs: a nullable or defaulted parameter gets null when nothing is registered.
            var optionalService = AcceptsNull(type, nullability) || parameter.HasDefaultValue;
            return new ParameterBinder(ParameterSource.Service, name, type, optionalService, missingValue: null,
                convert: static _ => null, keyed: marker.Keyed, serviceKey: marker.Key);
        }

        ParameterSource? context = type == typeof(ISocket) ? ParameterSource.Socket
            : type == typeof(CancellationToken) ? ParameterSource.CancellationToken
            : type == typeof(IServiceProvider) ? ParameterSource.Services
            : type == typeof(IAck) ? ParameterSource.Ack
            : type == typeof(SocketPayload) && isLast ? ParameterSource.Payload
            : null;
        if (context is { } source)
            return new ParameterBinder(source, name, type, optional: true, missingValue: null, convert: static _ => null);

        if (isLast && IsRest(parameter, type))
        {
            var elementType = type.GetElementType()!;
            var elementConvert = CreateConverter(elementType, AcceptsNull(elementType, nullability.ElementType), name);
            return new ParameterBinder(ParameterSource.Rest, name, type, optional: true, missingValue: null, elementConvert, elementType);
        }

        var nullable = AcceptsNull(type, nullability) || (parameter.HasDefaultValue && parameter.DefaultValue is null);
        var optional = parameter.HasDefaultValue || parameter.IsOptional || nullable;
        return new ParameterBinder(ParameterSource.Argument, name, type, optional, MissingValue(parameter, type),
            CreateConverter(type, nullable, name), nullable: nullable);
    }

    /// <summary>
    /// This client-argument parameter as a service parameter, when its type is a registered service (asked once, at
    /// registration; SignalR's and minimal APIs' rule); else null. Types a client's JSON is made of — value types,
    /// strings, <c>object</c>, arrays and other collections — are never taken for services: the container answers
    /// yes for any <c>IEnumerable&lt;T&gt;</c>.
    /// </summary>
    public ParameterBinder? AsRegisteredService(IServiceProviderIsService isService)
    {
        if (Source != ParameterSource.Argument || Type.IsValueType || Type == typeof(string) || Type == typeof(object)
            || typeof(IEnumerable).IsAssignableFrom(Type) || !isService.IsService(Type))
            return null;
        return new ParameterBinder(ParameterSource.Service, Name, Type, IsOptional, missingValue: null, convert: static _ => null);
    }

    /// <summary>The value of a <see cref="ParameterSource.Service"/> parameter, from the invocation's provider.</summary>
    /// <exception cref="InvalidOperationException">a required service is not registered.</exception>
    public object? Resolve(IServiceProvider services)
    {
        if (!_keyed)
            return IsOptional ? services.GetService(Type) : services.GetRequiredService(Type);
        var keyed = services as IKeyedServiceProvider
            ?? throw new InvalidOperationException($"Parameter '{Name}' takes a keyed service; the service provider has none.");
        return IsOptional ? keyed.GetKeyedService(Type, _serviceKey) : keyed.GetRequiredKeyedService(Type, _serviceKey);
    }

    /// <summary>
    /// How the parameter asks for a service explicitly: ASP.NET Core's <c>[FromServices]</c> (anything implementing its
    /// <c>IFromServiceMetadata</c>, as minimal APIs and SignalR read it; matched by name, so this library needs no
    /// ASP.NET Core reference) or <see cref="FromKeyedServicesAttribute"/>. Null: it does not.
    /// </summary>
    private static (bool Keyed, object? Key)? ServiceMarker(ParameterInfo parameter, string name)
    {
        foreach (var attribute in parameter.GetCustomAttributes(inherit: true))
        {
            if (attribute is FromKeyedServicesAttribute keyed)
            {
                return keyed.LookupMode switch
                {
                    ServiceKeyLookupMode.ExplicitKey => (true, keyed.Key),
                    ServiceKeyLookupMode.NullKey => (false, null),
                    _ => throw new ArgumentException(
                        $"Handler parameter '{name}': [FromKeyedServices] needs a key here (a handler has no key to inherit)."),
                };
            }
            if (attribute.GetType().GetInterfaces().Any(static i => i.FullName == FromServiceMetadata))
                return (false, null);
        }
        return null;
    }

    private const string FromServiceMetadata = "Microsoft.AspNetCore.Http.Metadata.IFromServiceMetadata";

    /// <summary>The value for a client argument.</summary>
    /// <remarks>Must run inside <see cref="BinaryAttachments.Reading"/> so binary placeholders resolve.</remarks>
    public object? Convert(JsonElement element) => _convert(element);

    /// <summary>
    /// The value for a client argument read straight from the payload's JSON, the reader on the value's first token
    /// (left on its last): the same value <see cref="Convert"/> gives for it, with no document parsed for typed
    /// parameters. <see cref="JsonElement"/> and <c>object</c> parameters get their element as before.
    /// </summary>
    public object? Read(ref Utf8JsonReader reader)
    {
        if (ReadsElement) return _convert(JsonElement.ParseValue(ref reader));
        if (reader.TokenType == JsonTokenType.Null) return _nullable ? null : throw NullNotAllowed(Name);
        return JsonSerializer.Deserialize(ref reader, Type, PayloadSerializer.Options);
    }

    private bool ReadsElement => Type == typeof(JsonElement) || Type == typeof(JsonElement?) || Type == typeof(object);

    /// <summary>The value when the client sent too few arguments (only for <see cref="IsOptional"/> parameters).</summary>
    public object? Missing => _missingValue;

    /// <summary>The remaining client arguments as the rest parameter's array.</summary>
    public object ConvertRest(ReadOnlySpan<JsonElement> rest)
    {
        if (RestElementType == typeof(JsonElement))
            return rest.ToArray();
        if (RestElementType == typeof(object))
        {
            var objects = new object?[rest.Length];
            for (var i = 0; i < rest.Length; i++)
                objects[i] = _convert(rest[i]);
            return objects;
        }
        var array = Array.CreateInstance(RestElementType!, rest.Length);
        for (var i = 0; i < rest.Length; i++)
            array.SetValue(_convert(rest[i]), i);
        return array;
    }

    // object?[] and JsonElement[] always take the rest (that is what they are for); other arrays only with `params`.
    private static bool IsRest(ParameterInfo parameter, Type type) =>
        type == typeof(object[]) || type == typeof(JsonElement[])
        || (type.IsArray && parameter.IsDefined(typeof(ParamArrayAttribute), inherit: false));

    private static bool AcceptsNull(Type type, NullabilityInfo? nullability)
    {
        if (type.IsValueType)
            return Nullable.GetUnderlyingType(type) is not null;
        // Unknown = code compiled without nullable annotations: be lenient, as C# itself is there.
        return nullability is null || nullability.ReadState != NullabilityState.NotNull;
    }

    private static object? MissingValue(ParameterInfo parameter, Type type)
    {
        if (parameter.HasDefaultValue)
        {
            var value = parameter.DefaultValue;
            if (value is not null && type.IsEnum)
                return Enum.ToObject(type, value); // metadata stores enum defaults as the underlying number
            if (value is not null && Nullable.GetUnderlyingType(type) is { IsEnum: true } enumType)
                return Enum.ToObject(enumType, value);
            return value;
        }
        return type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null;
    }

    private static Func<JsonElement, object?> CreateConverter(Type type, bool nullable, string name)
    {
        if (type == typeof(JsonElement))
            return static element => element;
        if (type == typeof(JsonElement?))
            return static element => element.ValueKind == JsonValueKind.Null ? null : element;
        if (type == typeof(object))
        {
            if (nullable)
                return ToNatural;
            return element => ToNatural(element) ?? throw NullNotAllowed(name);
        }
        return element =>
        {
            if (element.ValueKind == JsonValueKind.Null)
                return nullable ? null : throw NullNotAllowed(name);
            return element.Deserialize(type, PayloadSerializer.Options);
        };
    }

    /// <summary>
    /// The value for an <c>object</c> parameter or element: string, bool, null, a number as int, long or double
    /// (the first that holds it exactly), binary as byte[]; objects and arrays stay <see cref="JsonElement"/>.
    /// </summary>
    private static object? ToNatural(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => element.GetString(),
        // Boxed per branch: a plain ?: would widen every number to double.
        JsonValueKind.Number => element.TryGetInt32(out var i) ? (object)i : element.TryGetInt64(out var l) ? (object)l : element.GetDouble(),
        JsonValueKind.Object when BinaryAttachments.IsPlaceholder(element, out var num) => BinaryAttachments.Resolve(num),
        _ => element,
    };

    private static SocketIOBindingException NullNotAllowed(string name) =>
        new($"The client sent null for parameter '{name}', which is not nullable.", name);
}
