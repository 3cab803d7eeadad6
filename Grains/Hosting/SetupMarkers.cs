namespace OrleansSocket;

/// <summary>Registered by <c>AddSocketIOClient</c>, so that the gateway can tell a forgotten call apart.</summary>
internal sealed class SocketIOClientMarker;

/// <summary>Registered by the gateway's <c>AddSocketIO</c>: a silo in the same process takes free ports by default.</summary>
internal sealed class SocketIOGatewayMarker;
