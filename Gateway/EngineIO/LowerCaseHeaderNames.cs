using System.Collections.Frozen;
using System.Reflection;
using Microsoft.Net.Http.Headers;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// Lower-cased HTTP header names for the handshake (Node's <c>socket.handshake.headers</c> has them so). Kestrel
/// names the headers it knows with shared strings in their canonical casing ("Host", "Sec-WebSocket-Key"):
/// lower-casing those per request made new strings that every idle connection then held for its lifetime, so the
/// well-known ones map to one shared lower-case string each; any other name is lower-cased as before (the same
/// string when it already is).
/// </summary>
internal static class LowerCaseHeaderNames
{
    private static readonly FrozenDictionary<string, string> Known = typeof(HeaderNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(string))
        .Select(f => (string)f.GetValue(null)!)
        .Distinct(StringComparer.OrdinalIgnoreCase)
        .ToFrozenDictionary(n => n, n => string.Intern(n.ToLowerInvariant()), StringComparer.OrdinalIgnoreCase);

    /// <summary><paramref name="name"/> in lower case, a shared string for a well-known header.</summary>
    public static string Of(string name) => Known.TryGetValue(name, out var lower) ? lower : name.ToLowerInvariant();
}
