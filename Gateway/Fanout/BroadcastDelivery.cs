using OrleansSocket.Gateway.Protocol;
using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Gateway.Fanout;

/// <summary>
/// Delivers one <see cref="GatewayBroadcast"/> to this gateway's sockets: the packet is encoded once
/// and the same frames are written to every local target. With acks, each target gets its own ack id
/// and the answers are reported to the broadcast's collector grain.
/// </summary>
internal sealed class BroadcastDelivery(SocketIOServer server, IGrainFactory grains, ILogger<BroadcastDelivery> logger)
{
    public Task Deliver(GatewayBroadcast broadcast)
    {
        var targets = server.Index.Resolve(broadcast.Namespace, broadcast.Rooms, broadcast.ExceptRooms, server.Find);
        SocketIOMetrics.BroadcastReceived(targets.Count);
        if (targets.Count == 0) return Task.CompletedTask; // nothing to encode (also the start-up warm-up message)
        if (broadcast.AckCollector is { } collector)
        {
            // Not awaited: the stream's next message must not wait for these clients' answers.
            _ = DeliverWithAcks(broadcast, targets, collector);
            return Task.CompletedTask;
        }

        var packet = broadcast.Packet;
        var encoded = SocketIOEncoder.EncodeEvent(packet.Namespace, packet.Event, packet.Payload.ArgsJson, packet.Payload.Attachments);
        foreach (var socket in targets) socket.Deliver(encoded, packet.Volatile, packet.Offset);
        return Task.CompletedTask;
    }

    private async Task DeliverWithAcks(GatewayBroadcast broadcast, List<NamespaceSocket> targets, Guid collector)
    {
        var replies = await Task.WhenAll(targets.Select(async socket =>
        {
            try
            {
                return new SocketAckReply(socket.Id, await socket.DeliverWithAck(broadcast.Packet, broadcast.AckTimeout));
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                return null; // no answer in time, or the socket left: it counts as not answering
            }
        }));
        try
        {
            await grains.GetGrain<IBroadcastAckGrain>(collector).Report(server.GatewayId, targets.Count, [.. replies.OfType<SocketAckReply>()]);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not report broadcast acks to {Collector}", collector);
        }
    }
}
