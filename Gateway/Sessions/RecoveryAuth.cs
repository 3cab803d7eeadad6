using System.Text.Json;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>Reads the <c>pid</c> and <c>offset</c> a socket.io-client ≥ 4.6 adds to its CONNECT auth when it had a session.</summary>
internal static class RecoveryAuth
{
    /// <summary>What a CONNECT's auth says about recovery.</summary>
    internal enum Result
    {
        /// <summary>No <c>pid</c> and <c>offset</c> strings: an ordinary connect.</summary>
        None,
        /// <summary>Both, of the shapes the server hands out: a session to look up.</summary>
        WellFormed,
        /// <summary>Both, but not of those shapes (or too long): names no session, nothing is looked up.</summary>
        Malformed,
    }

    /// <summary>Reads <c>pid</c> and <c>offset</c>; <paramref name="socketId"/> is the socket the pid names when well formed.</summary>
    public static Result Read(ReadOnlySpan<byte> authJson, out string pid, out string offset, out string socketId)
    {
        pid = offset = socketId = "";
        if (authJson.IsEmpty) return Result.None;
        try
        {
            var reader = new Utf8JsonReader(authJson);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return Result.None;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isPid = reader.ValueTextEquals("pid"u8);
                var isOffset = reader.ValueTextEquals("offset"u8);
                reader.Read();
                if ((isPid || isOffset) && reader.TokenType == JsonTokenType.String)
                {
                    // Longer than the server ever hands out: not even copied.
                    var max = isPid ? RecoveryTokens.PidLength : RecoveryTokens.MaxOffsetLength;
                    var value = reader.ValueIsEscaped || reader.ValueSpan.Length > max ? "\0" : reader.GetString()!;
                    if (isPid) pid = value;
                    else offset = value;
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return Result.None; // the codec validated the JSON; this only guards the shape
        }
        if (pid.Length == 0 || offset.Length == 0) return Result.None;
        return RecoveryTokens.TryParsePid(pid, out socketId) && RecoveryTokens.IsWellFormedOffset(offset) ? Result.WellFormed : Result.Malformed;
    }
}
