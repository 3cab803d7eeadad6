namespace OrleansSocket.DemoApp;

/// <summary>The demo page's server side: the seed's <c>my event</c> → <c>my response</c> exchange.</summary>
public sealed class DemoHandlers : SocketIOHandler
{
    public static void Register(ISocketIOBuilder io) => io.AddHandlers<DemoHandlers>();

    public record Message(string? Data);

    [On("my event")]
    public Task MyEvent(Message message)
    {
        // The count lives in the socket's session, like Flask-SocketIO's example keeps it in session.
        var count = (int)(Socket.Session.TryGetValue("receive_count", out var c) ? c ?? 0 : 0) + 1;
        Socket.Session["receive_count"] = count;
        return Socket.EmitAsync("my response", new { data = message.Data, count });
    }
}
