using System.Diagnostics;

namespace OrleansSocket.Grains.Diagnostics;

/// <summary>
/// A broadcast's delivery to one gateway's sockets: a span of its own (a stream message continues no trace), linked to
/// the span that emitted it when the message carried one (<see cref="GatewayBroadcast.TraceParent"/>).
/// </summary>
internal static class BroadcastTelemetry
{
    public static Activity? StartDelivery(GatewayBroadcast broadcast, int deliveries)
    {
        if (!SocketIOInstrumentation.Source.HasListeners()) return null;
        ActivityLink[]? links = broadcast.TraceParent is { } parent && ActivityContext.TryParse(parent, null, isRemote: true, out var context)
            ? [new ActivityLink(context)]
            : null;
        var activity = SocketIOInstrumentation.Source.StartActivity("socketio.broadcast", ActivityKind.Consumer, parentContext: default, links: links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(SocketIOInstrumentation.NamespaceTag, broadcast.Namespace);
            activity.SetTag(SocketIOInstrumentation.EventTag, broadcast.Packet.Event);
            activity.SetTag("socketio.broadcast.deliveries", deliveries);
        }
        return activity;
    }
}
