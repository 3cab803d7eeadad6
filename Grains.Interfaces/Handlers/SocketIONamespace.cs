namespace OrleansSocket;

/// <summary>
/// Class-based namespace, like Flask-SocketIO's <c>Namespace</c>. Register it with
/// <c>io.AddNamespace&lt;ChatNamespace&gt;("/chat")</c>.
/// </summary>
/// <remarks>
/// <para>The public methods whose names start with <c>On</c> (followed by a capital) or <c>on_</c> are handlers,
/// the event name coming from <see cref="SocketIOEventName.FromMethodName"/>:
/// <c>OnConnect(...)</c> is the connect handler (may take the auth object, may return <c>bool</c>),
/// <c>OnDisconnect(string reason)</c> the disconnect handler, and <c>OnMyEvent(...)</c> handles <c>my_event</c>.
/// Methods with <see cref="OnAttribute"/> handle the named event whatever their name. Methods are found by
/// name rather than overridden because their parameters vary (they bind like any handler; see <see cref="OnAttribute"/>).</para>
/// <para>Unlike Flask's singleton <c>Namespace</c>, an instance is created per invocation (constructor injection
/// from the invocation's DI scope works), so keep per-socket state in <see cref="ISocket.Session"/>.</para>
/// </remarks>
public abstract class SocketIONamespace : SocketIOHandler
{
}
