using System.Numerics;
using System.Runtime.InteropServices;

namespace OrleansSocket.Gateway.EngineIO.Takeover;

/// <summary>RFC 6455's masking of a client's payload (section 5.3): each byte XORed with the key's byte at its offset mod 4.</summary>
internal static class FrameMask
{
    /// <summary>
    /// Unmasks <paramref name="data"/> in place. <paramref name="index"/> is the offset in the frame's payload of its first
    /// byte, mod 4; returns the one of the byte after it.
    /// </summary>
    public static int Apply(Span<byte> data, int mask, int index)
    {
        if (data.IsEmpty) return index;
        if (!BitConverter.IsLittleEndian)
        {
            Span<byte> key = stackalloc byte[4];
            MemoryMarshal.Write(key, in mask);
            for (var i = 0; i < data.Length; i++) data[i] ^= key[(index + i) & 3];
            return (index + data.Length) & 3;
        }
        // The key turned so that its byte for data[0] comes first, then eight bytes at a time.
        var turned = BitOperations.RotateRight((uint)mask, index * 8);
        var wide = ((ulong)turned << 32) | turned;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        for (var i = 0; i < words.Length; i++) words[i] ^= wide;
        for (var i = words.Length * 8; i < data.Length; i++)
            data[i] ^= (byte)(turned >> ((i & 3) * 8));
        return (index + data.Length) & 3;
    }
}
