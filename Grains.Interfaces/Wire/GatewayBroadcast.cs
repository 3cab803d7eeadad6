namespace OrleansSocket;

/// <summary>
/// A broadcast as one gateway receives it on its stream: which of its local sockets get the packet
/// (it resolves rooms from its own index, encodes the packet once and writes it to each).
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansSocket.GatewayBroadcast")]
public sealed record GatewayBroadcast(
    [property: Id(0)] string Namespace,
    /// <summary>Rooms (or socket ids) to reach; empty: every socket of the namespace.</summary>
    [property: Id(1)] string[] Rooms,
    /// <summary>Rooms (or socket ids) whose members are left out.</summary>
    [property: Id(2)] string[] ExceptRooms,
    [property: Id(3)] OutboundPacket Packet,
    /// <summary>When set, the gateway collects each socket's ack and reports to that <see cref="IBroadcastAckGrain"/>.</summary>
    [property: Id(4)] Guid? AckCollector = null,
    [property: Id(5)] TimeSpan AckTimeout = default);
