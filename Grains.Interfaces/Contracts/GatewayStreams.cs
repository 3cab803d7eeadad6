namespace OrleansSocket;

/// <summary>The stream each gateway consumes broadcasts from: one per gateway, named by its id.</summary>
public static class GatewayStreams
{
    /// <summary>The Orleans stream provider rooms and namespaces publish to gateways on.</summary>
    public const string Provider = "SocketIO";

    public const string Namespace = "socketio-gateway";

    public static StreamId For(string gatewayId) => StreamId.Create(Namespace, gatewayId);
}
