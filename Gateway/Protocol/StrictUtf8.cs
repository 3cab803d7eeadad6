using System.Text;

namespace OrleansSocket.Gateway.Protocol;

/// <summary>UTF-8 decoding that rejects invalid bytes instead of inventing U+FFFD: names must round-trip exactly.</summary>
internal static class StrictUtf8
{
    private static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes <paramref name="bytes"/>; <paramref name="what"/> names the field in the error.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string what)
    {
        try
        {
            return Encoding.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new SocketIODecodeException($"invalid UTF-8 in the {what}", ex);
        }
    }
}
