namespace OrleansSocket.Grains.Handlers;

/// <summary>
/// The handlers of <see cref="WarmUpNamespace"/>: the library's own, with no middleware and no <c>"*"</c> handler of the
/// application in front of them, so a warm-up runs the connect and event paths without running application code.
/// </summary>
internal static class WarmUpHandlers
{
    public static NamespaceHandlers Create(Func<HandlerInvoker, HandlerInvoker> finish)
    {
        var handlers = new NamespaceHandlers
        {
            // Own connect, disconnect and upgrade handlers: the registry falls back to "*" handlers only where a
            // namespace has none.
            Connect = HandlerInvoker.ForDelegate(static () => true),
            Disconnect = HandlerInvoker.ForDelegate(static () => { }),
            Upgrade = HandlerInvoker.ForDelegate(static () => { }),
        };
        handlers.Events[WarmUpNamespace.Echo] = HandlerInvoker.ForDelegate(static (string text) => text);
        handlers.Events[WarmUpNamespace.EchoPayload] = HandlerInvoker.ForDelegate(static (SocketPayload payload) => payload);
        handlers.Events[WarmUpNamespace.EchoOnTurn] = HandlerInvoker.ForDelegate(static (ISocket socket, string text) => text);
        handlers.Events[WarmUpNamespace.Compiled] = HandlerInvoker.ForDelegate(static () => WarmUpNamespace.CompiledAnswer());
        return handlers.Snapshot(wildcard: null, finish);
    }
}
