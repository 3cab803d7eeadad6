namespace OrleansSocket.Grains.Handlers;

/// <summary>Where a handler parameter's value comes from.</summary>
internal enum ParameterSource
{
    /// <summary>The next client argument.</summary>
    Argument,
    /// <summary>All remaining client arguments (last <c>object?[]</c>/<c>JsonElement[]</c>/<c>params</c> parameter).</summary>
    Rest,
    /// <summary>All remaining client arguments, raw: a <see cref="SocketPayload"/> (binary kept as attachments).</summary>
    Payload,
    Socket,
    CancellationToken,
    /// <summary>The invocation's <see cref="IServiceProvider"/> (its DI scope's).</summary>
    Services,
    /// <summary>A service resolved by type (or key) from the invocation's DI scope: marked <c>[FromServices]</c> /
    /// <c>[FromKeyedServices]</c>, or of a type the container says is a service.</summary>
    Service,
    /// <summary>The event's <see cref="IAck"/>: the handler answers the client itself.</summary>
    Ack,
}
