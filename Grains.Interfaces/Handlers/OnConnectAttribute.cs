namespace OrleansSocket;

/// <summary>
/// Marks a method as the namespace's connect handler (Flask-SocketIO's <c>@socketio.on('connect')</c>).
/// </summary>
/// <remarks>
/// Its first parameter that is not injected receives the client's auth object
/// (<see cref="HandshakeInfo.AuthJson"/>) as a typed object or <see cref="System.Text.Json.JsonElement"/>.
/// Returning <c>false</c> refuses the connection with the message "Connection rejected by server";
/// throwing <see cref="ConnectionRefusedException"/> refuses it with that exception's message and data.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class OnConnectAttribute : Attribute
{
    /// <summary>Overrides the namespace the class was registered for.</summary>
    public string? Namespace { get; set; }
}
