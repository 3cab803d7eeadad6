namespace OrleansSocket.Internal;

/// <summary>
/// A broadcast as one gateway receives it on its stream: which of its local sockets get the packet
/// (it resolves rooms from its own index, encodes the packet once and writes it to each).
/// </summary>
/// <param name="Namespace">The namespace whose sockets are reached.</param>
/// <param name="Rooms">Rooms (or socket ids) to reach; empty: every socket of the namespace.</param>
/// <param name="ExceptRooms">Rooms (or socket ids) whose members are left out.</param>
/// <param name="Packet">The packet to send.</param>
/// <param name="AckCollector">When set, the gateway collects each socket's ack and reports to that <see cref="IBroadcastAckGrain"/>.</param>
/// <param name="AckTimeout">With <paramref name="AckCollector"/>: how long the gateway waits for the sockets' acks before it reports.</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> of the span that emitted (a handler's, when traced): the gateway's
/// delivery span links to it.</param>
[GenerateSerializer, Immutable, Alias("OrleansSocket.GatewayBroadcast")]
internal sealed record GatewayBroadcast(
    [property: Id(0)] string Namespace,
    [property: Id(1)] string[] Rooms,
    [property: Id(2)] string[] ExceptRooms,
    [property: Id(3)] OutboundPacket Packet,
    [property: Id(4)] Guid? AckCollector = null,
    [property: Id(5)] TimeSpan AckTimeout = default,
    [property: Id(6)] string? TraceParent = null);
