namespace OrleansSocket.Internal;

/// <summary>
/// Client events of many sockets of one gateway, sent to the silos in one call (<see cref="ISocketLinkGrain.HandleEvents"/>)
/// instead of one grain call each. Element <c>i</c> of <see cref="Events"/> belongs to socket <c>SocketIds[i]</c>. A
/// socket's events in a batch are next to each other, in the order they came, and run in that order, as
/// <see cref="ISocketGrain.HandleEvents"/> runs them; a socket has at most one such group in flight (the gateway sends its
/// next events once these outcomes came back), so its events keep their order whatever order batches arrive in.
/// </summary>
/// <param name="SocketIds">The socket (grain key) of each event.</param>
/// <param name="Events">The events, as <see cref="ISocketGrain.HandleEvent"/> takes them.</param>
[GenerateSerializer, Immutable, Alias("OrleansSocket.EventBatch")]
internal sealed record EventBatch(
    [property: Id(0)] string[] SocketIds,
    [property: Id(1)] ClientEvent[] Events);

/// <summary>
/// The outcome of each event of an <see cref="EventBatch"/>, in the batch's order: what
/// <see cref="ISocketGrain.HandleEvent"/> returned (the ACK arguments when the handler answered by then) or threw.
/// </summary>
/// <param name="Acks">Element <c>i</c>: event <c>i</c>'s early ACK arguments, or null.</param>
/// <param name="Errors">Null when every event's call returned; else element <c>i</c> is what event <c>i</c>'s call threw, or null.</param>
[GenerateSerializer, Immutable, Alias("OrleansSocket.EventBatchResult")]
internal sealed record EventBatchResult(
    [property: Id(0)] SocketPayload?[] Acks,
    [property: Id(1)] Exception?[]? Errors)
{
    /// <summary>Throws unless this answers exactly <paramref name="count"/> events (one outcome each).</summary>
    /// <exception cref="InvalidOperationException">the grain answered another number of outcomes.</exception>
    public void EnsureAnswers(int count)
    {
        if (Mismatch(count) is { } mismatch) throw mismatch;
    }

    /// <summary>Null when this answers exactly <paramref name="count"/> events (one outcome each); else the error that says it does not.</summary>
    public InvalidOperationException? Mismatch(int count) =>
        Acks.Length == count && (Errors is null || Errors.Length == count)
            ? null
            : new InvalidOperationException($"{count} events were answered with {Acks.Length} outcomes.");

    /// <summary>The outcome of a batch's only event: its early ack, or what its handling threw, rethrown.</summary>
    /// <exception cref="InvalidOperationException">the grain answered another number of outcomes than one.</exception>
    public SocketPayload? OnlyOutcome()
    {
        EnsureAnswers(1);
        if (Errors?[0] is { } error) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return Acks[0];
    }
}
