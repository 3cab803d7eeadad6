using System.Text.Json;

namespace OrleansSocket;

/// <summary>
/// Where an application declares its Socket.IO handlers (Flask-SocketIO's <c>socketio.on</c>,
/// <c>on_namespace</c>, <c>on_error</c>; Node's <c>io.use</c>). Obtained from
/// <c>services.AddSocketIOHandlers(io => ...)</c> in the silo. Every method returns the builder.
/// </summary>
/// <remarks>
/// <para><c>ns</c> is a namespace such as <c>"/"</c> or <c>"/chat"</c> (a missing leading <c>/</c> is added),
/// or <c>"*"</c> for every namespace; a handler for the exact namespace wins over a <c>"*"</c> one.</para>
/// <para>Delegate handlers bind like <see cref="OnAttribute"/> methods: injected <see cref="ISocket"/>,
/// <see cref="CancellationToken"/> and <see cref="IServiceProvider"/> parameters, services (parameters marked
/// <c>[FromServices]</c>/<c>[FromKeyedServices]</c>, or whose type is a registered service) from the call's own DI
/// scope, the client's arguments positionally for the rest, and the return value as the acknowledgement. Give the lambda's parameter types
/// so it has a natural delegate type: <c>io.On("my event", async (ISocket s, MyData d) => await s.EmitAsync("my response", d))</c>.
/// Signatures are checked when registered; registering a second handler for the same event throws.</para>
/// </remarks>
public interface ISocketIOBuilder
{
    /// <summary>Handles <paramref name="eventName"/>; <c>"connect"</c> and <c>"disconnect"</c> are the same as
    /// <see cref="OnConnect"/> and <see cref="OnDisconnect"/>.</summary>
    ISocketIOBuilder On(string eventName, Delegate handler, string ns = "/");

    /// <summary>The connect handler: may take the auth object, return <c>false</c> or throw
    /// <see cref="ConnectionRefusedException"/> to refuse (see <see cref="OnConnectAttribute"/>).</summary>
    ISocketIOBuilder OnConnect(Delegate handler, string ns = "/");

    /// <summary>The disconnect handler: may take the reason string.</summary>
    ISocketIOBuilder OnDisconnect(Delegate handler, string ns = "/");

    /// <summary>
    /// Runs when a socket's connection upgrades to another transport (Node's <c>socket.conn.on("upgrade")</c>): may take
    /// the new transport's name ("websocket"), also in <see cref="ISocket.Transport"/>. Like the connect handler, it runs
    /// in line with the socket's events: those after the upgrade wait for it.
    /// </summary>
    ISocketIOBuilder OnUpgrade(Delegate handler, string ns = "/");

    /// <summary>Catch-all for events with no handler of their own (python-socketio's <c>on('*')</c>);
    /// acknowledges with no arguments. Binary arguments arrive as <c>_placeholder</c> objects.</summary>
    // Two overloads with the same optional parameter (RS0026): they differ by the delegate's return type only, and the
    // optional namespace must stay last in both, as in every other registration method.
#pragma warning disable RS0026
    ISocketIOBuilder OnAny(Func<ISocket, string, JsonElement[], Task> handler, string ns = "/");

    /// <summary>Catch-all whose result is the acknowledgement (an <see cref="Ack"/> for several arguments).</summary>
    ISocketIOBuilder OnAny(Func<ISocket, string, JsonElement[], Task<object?>> handler, string ns = "/");
#pragma warning restore RS0026

    /// <summary>Receives (socket, exception, event name) when a handler of <paramref name="ns"/> throws or its
    /// arguments do not bind (<see cref="SocketIOBindingException"/>); Flask's <c>on_error</c>.</summary>
    ISocketIOBuilder OnError(Func<ISocket, Exception, string, Task> handler, string ns = "/");

    /// <summary>Error handler for namespaces without their own; Flask's <c>on_error_default</c>.</summary>
    ISocketIOBuilder OnErrorDefault(Func<ISocket, Exception, string, Task> handler);

    /// <summary>Connection middleware (Node's <c>io.use</c>): runs in registration order before the connect
    /// handler, <c>"*"</c> ones first. Call <c>next()</c> to continue; throw <see cref="ConnectionRefusedException"/>
    /// to refuse; returning without calling <c>next()</c> refuses with "Connection rejected by server".</summary>
    ISocketIOBuilder Use(Func<ISocket, Func<Task>, Task> middleware, string ns = "/");

    /// <summary>Packet middleware (Node's <c>socket.use</c>): runs before every event's handler with
    /// (socket, event name, arguments, next). Not calling <c>next()</c> drops the event (no ack);
    /// an exception goes to the error handlers. Changes to the argument array reach the handler.</summary>
    ISocketIOBuilder UsePacket(Func<ISocket, string, JsonElement[], Func<Task>, Task> middleware, string ns = "/");

    /// <summary>Registers a class-based namespace (Flask's <c>on_namespace</c>); see <see cref="SocketIONamespace"/>.</summary>
    ISocketIOBuilder AddNamespace<T>(string ns) where T : SocketIONamespace;

    /// <summary>Registers the <see cref="OnAttribute"/>, <see cref="OnConnectAttribute"/> and
    /// <see cref="OnDisconnectAttribute"/> methods of <typeparamref name="T"/>. Instance methods run on an instance
    /// created per invocation with constructor injection; <see cref="SocketIOHandler.Socket"/> is set before the call.</summary>
    ISocketIOBuilder AddHandlers<T>(string ns = "/") where T : class;
}
