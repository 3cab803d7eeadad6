namespace OrleansSocket;

/// <summary>
/// Thrown by a connect handler or connection middleware to refuse the connection
/// (python-socketio's <c>ConnectionRefusedError</c>, Node's <c>next(err)</c>): the client gets a
/// CONNECT_ERROR with <c>{message, data}</c>.
/// </summary>
public sealed class ConnectionRefusedException : Exception
{
    /// <summary>python-socketio's message when a connection is refused without one.</summary>
    public const string DefaultMessage = "Connection rejected by server";

    /// <summary>Refuses with <see cref="DefaultMessage"/> and no data.</summary>
    public ConnectionRefusedException() : this(DefaultMessage) { }

    /// <summary>Refuses with <paramref name="message"/> and, when not null, <paramref name="data"/> as the
    /// CONNECT_ERROR's <c>data</c>.</summary>
    public ConnectionRefusedException(string message, object? data = null) : base(message) => ErrorData = data;

    /// <summary>The CONNECT_ERROR <c>data</c>, serialized as JSON. Not named <c>Data</c>: that is <see cref="Exception.Data"/>.</summary>
    public object? ErrorData { get; }
}
