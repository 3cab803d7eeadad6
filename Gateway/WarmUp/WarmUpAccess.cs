using System.Net;
using System.Security.Cryptography;
using System.Text;
using OrleansSocket.Gateway.EngineIO;

namespace OrleansSocket.Gateway.WarmUp;

/// <summary>
/// Who may join <see cref="WarmUpNamespace"/>: only this process's warm-up, which connects over loopback and presents
/// the process's <see cref="WarmUpNamespace.Key"/>. Loopback alone is not enough: a reverse proxy on the same host
/// forwards every client from loopback.
/// </summary>
internal static class WarmUpAccess
{
    private static readonly byte[] Key = Encoding.ASCII.GetBytes(WarmUpNamespace.Key);

    public static bool Admits(EngineHandshake handshake) =>
        handshake.Headers.TryGetValue(WarmUpNamespace.KeyHeader, out var key)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(key), Key)
        && IPAddress.TryParse(handshake.RemoteAddress, out var address)
        && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
