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

    public ConnectionRefusedException() : this(DefaultMessage) { }

    public ConnectionRefusedException(string message, object? data = null) : base(message) => ErrorData = data;

    /// <summary>The CONNECT_ERROR <c>data</c>, serialized as JSON. Not named <c>Data</c>: that is <see cref="Exception.Data"/>.</summary>
    public object? ErrorData { get; }
}
