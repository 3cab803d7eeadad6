using System.Text;

namespace OrleansSocket;

/// <summary>
/// The rule that turns a handler method's name into the event it handles, used by
/// <see cref="OnAttribute"/> without a name and by the <c>OnXxx</c> methods of a <see cref="SocketIONamespace"/>.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>A leading <c>on_</c> is stripped; so is a leading <c>On</c> when a capital letter, digit or
/// <c>_</c> follows it (so <c>Online</c> stays <c>online</c>).</item>
/// <item>PascalCase becomes snake_case: an <c>_</c> goes before a capital that follows a lower-case
/// letter or digit, or that starts a word after an acronym; everything is lower-cased.</item>
/// </list>
/// Examples: <c>OnMyEvent</c>, <c>MyEvent</c> and <c>on_my_event</c> → <c>my_event</c>;
/// <c>OnHTTPRequest</c> → <c>http_request</c>; <c>OnConnect</c> → <c>connect</c> (the connect handler).
/// Event names that do not follow the rule (spaces, dashes, camelCase) need <c>[On("name")]</c>.
/// </remarks>
public static class SocketIOEventName
{
    /// <summary>The event handled by a method named <paramref name="methodName"/>, by the rule above.</summary>
    public static string FromMethodName(string methodName)
    {
        ArgumentException.ThrowIfNullOrEmpty(methodName);
        var name = StripOnPrefix(methodName);
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && StartsWord(name, i))
                    sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static string StripOnPrefix(string name)
    {
        if (name.Length > 3 && name.StartsWith("on_", StringComparison.Ordinal))
            return name[3..];
        if (name.Length > 2 && name.StartsWith("On", StringComparison.Ordinal)
            && (char.IsUpper(name[2]) || char.IsDigit(name[2]) || name[2] == '_'))
        {
            var rest = name[2..].TrimStart('_');
            return rest.Length > 0 ? rest : name;
        }
        return name;
    }

    // "myEvent" → boundary before E; "HTTPRequest" → boundary before R only (acronym stays one word).
    private static bool StartsWord(string name, int i)
    {
        var prev = name[i - 1];
        if (char.IsLower(prev) || char.IsDigit(prev))
            return true;
        return char.IsUpper(prev) && i + 1 < name.Length && char.IsLower(name[i + 1]);
    }
}
