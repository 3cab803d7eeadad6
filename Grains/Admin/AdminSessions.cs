using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OrleansSocket.Grains.Admin;

/// <summary>
/// The session ids the Admin UI gets after signing in (its <c>session</c> event) and sends instead of the password when
/// it reconnects (Node's session store). Nothing is stored: an id is its expiry and a random nonce, signed with a key
/// derived from the configured password hash, so that every silo with the same options accepts the ids any of them
/// issued, and changing the password revokes them all.
/// </summary>
internal sealed class AdminSessions
{
    private const int ExpiryBytes = 8, NonceBytes = 8, TagBytes = 16;
    private const int TokenBytes = ExpiryBytes + NonceBytes + TagBytes;
    private readonly byte[] _key;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _time;

    public AdminSessions(IOptions<AdminUIOptions> options, TimeProvider time)
    {
        var value = options.Value;
        _key = SHA256.HashData(Encoding.UTF8.GetBytes("OrleansSocket.AdminUI.Session\n" + value.Username + "\n" + value.PasswordHash));
        _duration = value.SessionDuration;
        _time = time;
    }

    /// <summary>A new session id, valid for <see cref="AdminUIOptions.SessionDuration"/> from now.</summary>
    public string Issue()
    {
        Span<byte> token = stackalloc byte[TokenBytes];
        BinaryPrimitives.WriteInt64BigEndian(token, (_time.GetUtcNow() + _duration).ToUnixTimeSeconds());
        RandomNumberGenerator.Fill(token.Slice(ExpiryBytes, NonceBytes));
        HMACSHA256.HashData(_key, token[..(ExpiryBytes + NonceBytes)])[..TagBytes].CopyTo(token[(ExpiryBytes + NonceBytes)..]);
        return Convert.ToHexStringLower(token);
    }

    /// <summary>Whether <paramref name="sessionId"/> was issued with this key and has not expired.</summary>
    public bool IsValid(string? sessionId)
    {
        if (sessionId is not { Length: TokenBytes * 2 }) return false;
        Span<byte> token = stackalloc byte[TokenBytes];
        if (Convert.FromHexString(sessionId, token, out _, out var written) != System.Buffers.OperationStatus.Done || written != TokenBytes)
            return false;
        var expected = HMACSHA256.HashData(_key, token[..(ExpiryBytes + NonceBytes)]);
        return CryptographicOperations.FixedTimeEquals(expected.AsSpan(0, TagBytes), token[(ExpiryBytes + NonceBytes)..])
            && BinaryPrimitives.ReadInt64BigEndian(token) > _time.GetUtcNow().ToUnixTimeSeconds();
    }
}
