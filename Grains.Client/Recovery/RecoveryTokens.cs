using System.Security.Cryptography;

namespace OrleansSocket;

/// <summary>
/// The two strings connection state recovery hands a client, and how a CONNECT that brings them back is checked
/// before anything is looked up: the private session id (<c>pid</c>, <c>"&lt;socket id&gt;.&lt;secret&gt;"</c>) and a
/// packet's offset (<c>"&lt;log epoch&gt;-&lt;sequence&gt;"</c>). Anything not of these shapes, or longer, names no session.
/// </summary>
internal static class RecoveryTokens
{
    /// <summary>Characters of a Socket.IO v5 socket id the gateway makes: 15 random bytes in base64url.</summary>
    public const int SocketIdLength = 20;

    /// <summary>Characters of the secret part of a pid: 12 random bytes in upper-case hex.</summary>
    public const int SecretLength = 24;

    /// <summary>The one length a pid has.</summary>
    public const int PidLength = SocketIdLength + 1 + SecretLength;

    /// <summary>Characters of a recovery log's epoch (4 random bytes in lower-case hex).</summary>
    public const int EpochLength = 8;

    /// <summary>The longest offset: the epoch, <c>-</c>, and a 64-bit sequence number in hex.</summary>
    public const int MaxOffsetLength = EpochLength + 1 + 16;

    /// <summary>A new private session id for <paramref name="socketId"/>: the socket id (so any gateway finds its grain)
    /// and a secret only the client is told.</summary>
    public static string NewPid(string socketId) => $"{socketId}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(SecretLength / 2))}";

    /// <summary>A new log epoch: offsets of an earlier activation of the log are then unknown rather than wrong.</summary>
    public static string NewEpoch() => Convert.ToHexString(RandomNumberGenerator.GetBytes(EpochLength / 2)).ToLowerInvariant();

    /// <summary>The offset of the <paramref name="sequence"/>-th packet of the log with <paramref name="epoch"/>.</summary>
    public static string Offset(string epoch, long sequence) => $"{epoch}-{sequence:x}";

    /// <summary>Whether <paramref name="pid"/> has the shape <see cref="NewPid"/> gives; if so, the socket id it names.</summary>
    public static bool TryParsePid(string pid, out string socketId)
    {
        socketId = "";
        if (pid.Length != PidLength || pid[SocketIdLength] != '.') return false;
        var id = pid.AsSpan(0, SocketIdLength);
        foreach (var c in id)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
        foreach (var c in pid.AsSpan(SocketIdLength + 1))
            if (!(char.IsAsciiDigit(c) || c is >= 'A' and <= 'F')) return false;
        socketId = id.ToString();
        return true;
    }

    /// <summary>Whether <paramref name="offset"/> has the shape <see cref="Offset"/> gives.</summary>
    public static bool IsWellFormedOffset(string offset)
    {
        if (offset.Length is < EpochLength + 2 or > MaxOffsetLength || offset[EpochLength] != '-') return false;
        for (var i = 0; i < offset.Length; i++)
            if (i != EpochLength && !char.IsAsciiHexDigitLower(offset[i])) return false;
        return true;
    }

    /// <summary>Compares a presented pid with the session's in constant time (the secret must not leak by timing).</summary>
    public static bool PidMatches(string? presented, string? expected) =>
        presented is not null && expected is not null && presented.Length == expected.Length
        && CryptographicOperations.FixedTimeEquals(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(presented.AsSpan()),
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(expected.AsSpan()));
}
