namespace OrleansSocket;

/// <summary>
/// Marks a method as the namespace's disconnect handler (Flask-SocketIO's <c>@socketio.on('disconnect')</c>).
/// Its first parameter that is not injected, if any, receives the reason as a string
/// ("client namespace disconnect", "transport close", "ping timeout", ...).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class OnDisconnectAttribute : Attribute
{
    /// <summary>Overrides the namespace the class was registered for.</summary>
    public string? Namespace { get; set; }
}
