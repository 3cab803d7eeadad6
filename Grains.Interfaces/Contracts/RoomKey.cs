namespace OrleansSocket.Internal;

/// <summary>
/// Grain keys for per-namespace things: a room named "lobby" in "/chat" is not the room "lobby" in "/".
/// The unit separator cannot start a namespace, so the pair splits back unambiguously at its first occurrence.
/// </summary>
internal static class RoomKey
{
    private const char Separator = '\u001f';

    /// <summary>The key of <paramref name="room"/> in the namespace <paramref name="ns"/>.</summary>
    public static string Of(string ns, string room) => string.Concat(ns, Separator.ToString(), room);

    /// <summary>Splits a key made by <see cref="Of"/> back into its namespace and room (a key without separator is a
    /// namespace with the empty room).</summary>
    public static (string Namespace, string Room) Parse(string key)
    {
        var i = key.IndexOf(Separator);
        return i < 0 ? (key, "") : (key[..i], key[(i + 1)..]);
    }
}
