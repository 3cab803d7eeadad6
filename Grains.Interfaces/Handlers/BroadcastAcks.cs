using OrleansSocket.Internal;

namespace OrleansSocket;

/// <summary>The acks a broadcast collected, one per socket that answered in time.</summary>
public sealed class BroadcastAcks
{
    private readonly BroadcastAckResult _result;

    // Made by the emitter from the ack grain's result; the wire record is not part of the handler API.
    internal BroadcastAcks(BroadcastAckResult result)
    {
        _result = result;
        BySocket = result.Replies.ToDictionary(r => r.SocketId, r => new ClientAck(r.Payload));
    }

    /// <summary>How many sockets the packet went to.</summary>
    public int Targeted => _result.Targeted;
    /// <summary>Every targeted socket answered in time.</summary>
    public bool AllAnswered => _result.Complete && _result.Replies.Length == _result.Targeted;
    /// <summary>Each answer, by the id of the socket that sent it.</summary>
    public IReadOnlyDictionary<string, ClientAck> BySocket { get; }

    /// <summary>The first ack argument of every answer, as <typeparamref name="T"/> (default for an answer without arguments).</summary>
    public IReadOnlyList<T?> Values<T>() => [.. BySocket.Values.Select(a => a.Arg<T>(0))];
}
