namespace OrleansSocket;

/// <summary>The acks a broadcast collected, one per socket that answered in time.</summary>
public sealed class BroadcastAcks(BroadcastAckResult result)
{
    /// <summary>How many sockets the packet went to.</summary>
    public int Targeted => result.Targeted;
    /// <summary>Every targeted socket answered in time.</summary>
    public bool AllAnswered => result.Complete && result.Replies.Length == result.Targeted;
    /// <summary>Each answer, by the id of the socket that sent it.</summary>
    public IReadOnlyDictionary<string, ClientAck> BySocket { get; } =
        result.Replies.ToDictionary(r => r.SocketId, r => new ClientAck(r.Payload));

    /// <summary>The first ack argument of every answer, as <typeparamref name="T"/> (default for an answer without arguments).</summary>
    public IReadOnlyList<T?> Values<T>() => [.. BySocket.Values.Select(a => a.Arg<T>(0))];
}
