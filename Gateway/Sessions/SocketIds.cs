using System.Security.Cryptography;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>Socket ids: 20 base64url characters from a cryptographic RNG, as Node's are unguessable.</summary>
internal static class SocketIds
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }
}
