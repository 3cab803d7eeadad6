namespace OrleansSocket.Gateway.Protocol;

/// <summary>
/// Event names with a special meaning (socket.io-parser's RESERVED_EVENTS): a client may not emit them,
/// and a server must not emit them either, or the other side would mistake them for lifecycle events.
/// </summary>
internal static class SocketIOReservedEvents
{
    private static readonly string[] Names =
    [
        "connect",        // used on the client side
        "connect_error",  // used on the client side
        "disconnect",     // used on both sides
        "disconnecting",  // used on the server side
        "newListener",    // used by the Node.js EventEmitter
        "removeListener", // used by the Node.js EventEmitter
    ];

    /// <summary>Every reserved name.</summary>
    public static IReadOnlyList<string> All => Names;

    /// <summary>True for a reserved name (ordinal, case-sensitive, as in JavaScript).</summary>
    public static bool IsReserved(string eventName)
    {
        // The array, not All: an enumerator through the interface was an allocation per decoded event.
        foreach (var name in Names)
        {
            if (string.Equals(name, eventName, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
