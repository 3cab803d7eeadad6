namespace OrleansSocket;

/// <summary>
/// The client's arguments do not fit the handler's parameters (too many, too few, wrong JSON type, null for a
/// non-nullable parameter). Passed to the error handlers like exceptions the handler throws.
/// </summary>
public sealed class SocketIOBindingException : Exception
{
    /// <summary>A binding failure described by <paramref name="message"/>, blamed on <paramref name="parameterName"/> when
    /// it was one parameter's fault, caused by <paramref name="inner"/> (e.g. a <c>JsonException</c>) when there was one.</summary>
    public SocketIOBindingException(string message, string? parameterName = null, Exception? inner = null)
        : base(message, inner) => ParameterName = parameterName;

    /// <summary>The parameter that could not be bound, when it was one parameter's fault.</summary>
    public string? ParameterName { get; }
}
