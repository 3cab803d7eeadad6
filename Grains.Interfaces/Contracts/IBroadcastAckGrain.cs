namespace OrleansSocket.Internal;

/// <summary>
/// Collects the answers to one broadcast with acks (Node's <c>io.timeout(ms).emitWithAck</c>),
/// keyed by a fresh Guid: each gateway reports once with the acks of the sockets it targeted that
/// answered in time; the emitter waits until every gateway reported or the timeout passed.
/// </summary>
[Alias("OrleansSocket.IBroadcastAckGrain")]
internal interface IBroadcastAckGrain : IGrainWithGuidKey
{
    /// <summary>One gateway's report: the acks that reached it in time from the sockets it targeted.</summary>
    /// <param name="gatewayId">The reporting gateway.</param>
    /// <param name="targeted">How many sockets this gateway sent the packet to.</param>
    /// <param name="replies">The acks of those sockets that answered in time.</param>
    [Alias("Report")] Task Report(string gatewayId, int targeted, SocketAckReply[] replies);

    /// <summary>Completes when <paramref name="gateways"/> reports arrived, or after <paramref name="timeout"/>.</summary>
    [Alias("Collect")] Task<BroadcastAckResult> Collect(int gateways, TimeSpan timeout);
}

/// <summary>One socket's ack to a broadcast.</summary>
[GenerateSerializer, Immutable, Alias("OrleansSocket.SocketAckReply")]
internal sealed record SocketAckReply(
    [property: Id(0)] string SocketId,
    [property: Id(1)] SocketPayload Payload);

/// <summary>What a broadcast with acks collected: every answer, and how many sockets were targeted.</summary>
/// <param name="Replies">The acks that arrived in time.</param>
/// <param name="Targeted">How many sockets the reporting gateways sent the packet to.</param>
/// <param name="Complete">False when a gateway did not report in time (its sockets count as not answering).</param>
[GenerateSerializer, Immutable, Alias("OrleansSocket.BroadcastAckResult")]
internal sealed record BroadcastAckResult(
    [property: Id(0)] SocketAckReply[] Replies,
    [property: Id(1)] int Targeted,
    [property: Id(2)] bool Complete);
