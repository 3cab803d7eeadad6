namespace OrleansSocket.Grains.Adapters;

/// <summary>
/// One broadcast's packet on its way to the sockets of one node (<see cref="AdapterNode.Deliver"/>): the first socket
/// that encodes it keeps the encoding in <see cref="Encoded"/> for the others, so a node encodes a broadcast once.
/// Used by one delivery at a time, on one thread.
/// </summary>
/// <param name="packet">The packet, as the adapter sends it.</param>
internal sealed class SharedPacket(OutboundPacket packet)
{
    /// <summary>The packet, as the adapter sends it.</summary>
    public OutboundPacket Packet { get; } = packet;

    /// <summary>The wire form the node's sockets agree on (the gateway's encoded Socket.IO packet); null until one encoded it.</summary>
    public object? Encoded { get; set; }
}
