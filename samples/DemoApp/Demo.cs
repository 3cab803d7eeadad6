namespace OrleansSocket.DemoApp;

/// <summary>The whole demo, for the hosts that run it (Gateway/Host, Silo): the demo page's exchange and the chat.</summary>
public static class Demo
{
    public static void Register(ISocketIOBuilder io)
    {
        DemoHandlers.Register(io);
        ChatHandlers.Register(io);
    }
}
