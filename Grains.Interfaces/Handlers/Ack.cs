namespace OrleansSocket;

/// <summary>
/// Return it from a handler to acknowledge with several arguments (Node's <c>callback(a, b)</c>,
/// Python's returned tuple); a plain return value acknowledges with one.
/// </summary>
public sealed class Ack
{
    private Ack(object?[] args) => Args = args;

    /// <summary>Acknowledges with no arguments, as a <c>void</c> handler does.</summary>
    public static Ack None { get; } = new([]);

    /// <summary>The ack arguments, in order.</summary>
    public IReadOnlyList<object?> Args { get; }

    /// <summary>Acknowledges with these arguments; <c>byte[]</c> values go out as binary attachments.</summary>
    public static Ack Many(params object?[]? args) => new(args ?? [null]);
}
