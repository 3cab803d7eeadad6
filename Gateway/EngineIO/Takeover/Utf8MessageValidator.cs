using System.Text.Unicode;

namespace OrleansSocket.Gateway.EngineIO.Takeover;

/// <summary>
/// Checks that a text message is UTF-8 as its parts arrive (RFC 6455 section 8.1: otherwise the socket fails with 1007).
/// A character split between two parts is kept here (at most 3 bytes) until its last byte comes.
/// </summary>
internal struct Utf8MessageValidator
{
    private int _pending; // the bytes of a split character seen so far, packed little-endian
    private int _pendingLength;
    private int _needed; // the split character's whole length

    /// <summary>Whether no split character waits for its last bytes: the message may end here.</summary>
    public readonly bool IsComplete => _pendingLength == 0;

    /// <summary>Starts a new message.</summary>
    public void Reset() => _pendingLength = 0;

    /// <summary>Takes the next part of the message; false when it cannot be UTF-8.</summary>
    public bool Append(ReadOnlySpan<byte> data)
    {
        if (_pendingLength > 0)
        {
            var take = Math.Min(_needed - _pendingLength, data.Length);
            for (var i = 0; i < take; i++)
            {
                if ((data[i] & 0xC0) != 0x80) return false;
                _pending |= data[i] << ((_pendingLength + i) * 8);
            }
            _pendingLength += take;
            data = data[take..];
            if (_pendingLength < _needed) return true;
            Span<byte> character = stackalloc byte[4];
            for (var i = 0; i < _needed; i++) character[i] = (byte)(_pending >> (i * 8));
            _pendingLength = 0;
            if (!Utf8.IsValid(character[.._needed])) return false;
        }
        var end = data.Length;
        for (var i = data.Length - 1; i >= Math.Max(0, data.Length - 3); i--)
        {
            var b = data[i];
            if ((b & 0xC0) == 0x80) continue; // a continuation byte: look further back for its lead
            if (b >= 0xC0)
            {
                var length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                if (data.Length - i < length)
                {
                    end = i;
                    _needed = length;
                }
            }
            break;
        }
        if (!Utf8.IsValid(data[..end])) return false;
        _pending = 0;
        for (var i = end; i < data.Length; i++) _pending |= data[i] << ((i - end) * 8);
        _pendingLength = data.Length - end;
        return true;
    }
}
