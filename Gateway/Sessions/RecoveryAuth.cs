using System.Text.Json;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>Reads the <c>pid</c> and <c>offset</c> a socket.io-client ≥ 4.6 adds to its CONNECT auth when it had a session.</summary>
internal static class RecoveryAuth
{
    public static bool TryRead(ReadOnlySpan<byte> authJson, out string pid, out string offset)
    {
        pid = offset = "";
        if (authJson.IsEmpty) return false;
        try
        {
            var reader = new Utf8JsonReader(authJson);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isPid = reader.ValueTextEquals("pid"u8);
                var isOffset = reader.ValueTextEquals("offset"u8);
                reader.Read();
                if ((isPid || isOffset) && reader.TokenType == JsonTokenType.String)
                {
                    if (isPid) pid = reader.GetString()!;
                    else offset = reader.GetString()!;
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false; // the codec validated the JSON; this only guards the shape
        }
        // Our pids are "<socket id>.<secret>"; anything else cannot name a session here.
        return pid.Length > 0 && offset.Length > 0 && pid.IndexOf('.') > 0;
    }
}
