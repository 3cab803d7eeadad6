namespace OrleansSocket.Internal;

/// <summary>The stream each gateway consumes broadcasts from: one per gateway, named by its id.</summary>
internal static class GatewayStreams
{
    /// <summary>The Orleans stream provider rooms and namespaces publish to gateways on.</summary>
    public const string Provider = "SocketIO";

    /// <summary>The stream namespace of the gateway streams; the stream key is the gateway's id.</summary>
    public const string Namespace = "socketio-gateway";

    /// <summary>The stream of the gateway <paramref name="gatewayId"/>.</summary>
    public static StreamId For(string gatewayId) => StreamId.Create(Namespace, gatewayId);
}
