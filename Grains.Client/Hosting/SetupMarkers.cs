namespace OrleansSocket;

/// <summary>Registered by <c>AddSocketIOClient</c>, so that the gateway can tell a forgotten call apart.</summary>
internal sealed class SocketIOClientMarker;

/// <summary>Registered by the gateway's <c>AddSocketIO</c>: a silo in the same process takes free ports by default.</summary>
internal sealed class SocketIOGatewayMarker;

/// <summary>
/// The handlers declared in this process (the silo side's handler builder, registered by the first
/// <c>AddHandlers</c>): what the Orleans client and the gateway check without depending on the silo side.
/// </summary>
internal interface ISocketIOHandlerDeclarations
{
    /// <summary>True when no handler, namespace or error handler was declared.</summary>
    bool IsEmpty { get; }
}
