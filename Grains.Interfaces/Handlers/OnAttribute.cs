namespace OrleansSocket;

/// <summary>
/// Marks a method as the handler of a client event (Flask-SocketIO's <c>@socketio.on</c>).
/// Register the declaring class with <see cref="ISocketIOBuilder.AddHandlers{T}"/> or
/// <see cref="ISocketIOBuilder.AddNamespace{T}"/>.
/// </summary>
/// <remarks>
/// <para>Without a name the event is derived from the method name by <see cref="SocketIOEventName.FromMethodName"/>:
/// a leading <c>On</c>/<c>on_</c> is stripped and PascalCase becomes snake_case
/// (<c>OnMyEvent</c>, <c>MyEvent</c>, <c>on_my_event</c> → <c>my_event</c>).
/// The names <c>connect</c> and <c>disconnect</c> declare the connect and disconnect handlers.</para>
/// <para>Each call runs in a DI scope of its own, disposed when the call completes: the handler class is created
/// from it, and it supplies <see cref="IServiceProvider"/> parameters and services — parameters marked
/// <c>[FromServices]</c> (ASP.NET Core's) or <c>[FromKeyedServices(key)]</c>, or whose type is a registered
/// service (not value types, strings, <c>object</c> or collections). A handler that takes nothing from DI gets
/// no scope.</para>
/// <para>The client's arguments bind positionally to the parameters that are not injected
/// (<see cref="ISocket"/>, <see cref="CancellationToken"/>, <see cref="IServiceProvider"/>, services):
/// JSON via System.Text.Json with web defaults, <c>byte[]</c> for binary attachments,
/// <see cref="System.Text.Json.JsonElement"/> for anything, a last <c>object?[]</c>/<c>JsonElement[]</c>
/// (or <c>params T[]</c>) parameter for the remaining arguments; nullable and optional parameters
/// take their default when the client sent fewer arguments.</para>
/// <para>The return value is the acknowledgement: <c>void</c>/<c>Task</c> acks with no arguments,
/// a value (also through <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c>) acks with it, <see cref="Ack.Many"/> with several.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class OnAttribute : Attribute
{
    /// <summary>Handles the event named after the method (<see cref="SocketIOEventName.FromMethodName"/>).</summary>
    public OnAttribute() { }

    /// <summary>Handles the event <paramref name="eventName"/>.</summary>
    public OnAttribute(string eventName)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        EventName = eventName;
    }

    /// <summary>The event name, or null to derive it from the method name.</summary>
    public string? EventName { get; }

    /// <summary>Overrides the namespace the class was registered for (Flask's <c>namespace=</c> argument).</summary>
    public string? Namespace { get; set; }
}
