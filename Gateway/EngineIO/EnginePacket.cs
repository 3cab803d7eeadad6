namespace OrleansSocket.Gateway.EngineIO;

/// <summary>Engine.IO packet types; the value is the digit on the wire.</summary>
internal enum EnginePacketType : byte
{
    Open = 0,
    Close = 1,
    Ping = 2,
    Pong = 3,
    Message = 4,
    Upgrade = 5,
    Noop = 6,
}

/// <summary>
/// A packet waiting in a session's send queue. <see cref="Data"/> is never copied: the sender promised not to change it.
/// For <see cref="EnginePacketType.Close"/> the packet is also the end marker of a graceful close.
/// <see cref="IsAttachment"/>: a binary attachment of the Socket.IO packet queued before it, kept or dropped with it.
/// </summary>
internal readonly record struct QueuedPacket(EnginePacketType Type, ReadOnlyMemory<byte> Data, bool IsBinary, bool IsVolatile, bool IsAttachment = false)
{
    public static QueuedPacket Control(EnginePacketType type) => new(type, default, false, false);
}

/// <summary>A decoded incoming packet; <see cref="Data"/> points into the receive buffer and is valid until the next one.</summary>
internal readonly record struct InboundPacket(EnginePacketType Type, ReadOnlyMemory<byte> Data, bool IsBinary);

internal enum DecodeStatus
{
    /// <summary>A packet was decoded.</summary>
    Packet,
    /// <summary>Something Node silently ignores (e.g. an unknown binary type byte); carry on.</summary>
    Skip,
    /// <summary>The payload is over.</summary>
    End,
    /// <summary>Malformed: the session closes with "parse error".</summary>
    Error,
}
