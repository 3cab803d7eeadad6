namespace OrleansSocket.Gateway.Protocol;

/// <summary>
/// Event names with a special meaning (socket.io-parser's RESERVED_EVENTS): a client may not emit them,
/// and a server must not emit them either, or the other side would mistake them for lifecycle events.
/// </summary>
internal static class SocketIOReservedEvents
{
    /// <summary>Every reserved name.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "connect",        // used on the client side
        "connect_error",  // used on the client side
        "disconnect",     // used on both sides
        "disconnecting",  // used on the server side
        "newListener",    // used by the Node.js EventEmitter
        "removeListener", // used by the Node.js EventEmitter
    ];

    /// <summary>True for a reserved name (ordinal, case-sensitive, as in JavaScript).</summary>
    public static bool IsReserved(string eventName)
    {
        foreach (var name in All)
        {
            if (string.Equals(name, eventName, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
