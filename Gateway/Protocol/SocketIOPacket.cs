namespace OrleansSocket.Gateway.Protocol;

/// <summary>Socket.IO packet types (protocol v5; in v4 type 4 is ERROR).</summary>
internal enum SocketIOPacketType : byte
{
    /// <summary>Connects to a namespace (client), or accepts the connection (server).</summary>
    Connect = 0,
    /// <summary>Leaves a namespace (either side).</summary>
    Disconnect = 1,
    /// <summary>An event with JSON arguments only.</summary>
    Event = 2,
    /// <summary>The acknowledgement of an event, with JSON arguments only.</summary>
    Ack = 3,
    /// <summary>The server refused the namespace connection (v5); ERROR in v4.</summary>
    ConnectError = 4,
    /// <summary>An event with binary attachments.</summary>
    BinaryEvent = 5,
    /// <summary>An acknowledgement with binary attachments.</summary>
    BinaryAck = 6,
}

/// <summary>A decoded Socket.IO packet. JSON parts stay raw UTF-8: the gateway forwards bytes, not object graphs.</summary>
internal sealed class SocketIOPacket
{
    /// <summary>The packet type.</summary>
    public SocketIOPacketType Type { get; init; }
    /// <summary>The namespace, <c>/</c> when the packet names none.</summary>
    public string Namespace { get; init; } = "/";
    /// <summary>The ack id, when the packet has one.</summary>
    public long? Id { get; init; }
    /// <summary>
    /// The packet's data as UTF-8 JSON, empty when absent. CONNECT: the auth object;
    /// EVENT/ACK: the whole array (a client session's decoder leaves an EVENT's empty: it forwards only
    /// <see cref="Args"/>); CONNECT_ERROR: the error object (v5) or value (v4).
    /// </summary>
    public ReadOnlyMemory<byte> Data { get; init; }
    /// <summary>EVENT and BINARY_EVENT: the event name (validated: a string, not a reserved name).</summary>
    public string? EventName { get; init; }
    /// <summary>EVENT: the JSON array of arguments after the event name; ACK: the whole data array.</summary>
    public ReadOnlyMemory<byte> Args { get; init; }
    /// <summary>Binary attachments, in placeholder order (<c>num</c> indexes this list).</summary>
    public IReadOnlyList<byte[]> Attachments { get; init; } = [];
    /// <summary>Protocol v4 only: the query string of a namespace CONNECT (<c>/nsp?x=1</c>), used as its auth.</summary>
    public string? Query { get; init; }
}
