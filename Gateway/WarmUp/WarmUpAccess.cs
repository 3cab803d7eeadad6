using System.Net;
using System.Security.Cryptography;
using System.Text;
using OrleansSocket.Gateway.EngineIO;

namespace OrleansSocket.Gateway.WarmUp;

/// <summary>
/// Who may join <see cref="WarmUpNamespace"/>: only this process's warm-up, which connects over loopback and presents
/// the process's <see cref="Key"/>. Loopback alone is not enough: a reverse proxy on the same host
/// forwards every client from loopback.
/// </summary>
internal static class WarmUpAccess
{
    /// <summary>The header that carries <see cref="Key"/> on the warm-up's WebSocket requests.</summary>
    public const string KeyHeader = "X-OrleansSocket-WarmUp";

    /// <summary>A secret of this process: a connection that presents it was opened by this process's warm-up.</summary>
    public static string Key { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private static readonly byte[] KeyBytes = Encoding.ASCII.GetBytes(Key);

    public static bool Admits(EngineHandshake handshake) =>
        handshake.Headers.TryGetValue(KeyHeader, out var key)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(key), KeyBytes)
        && IPAddress.TryParse(handshake.RemoteAddress, out var address)
        && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
