using System.IO.Pipelines;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>A connection as two pipes, and the frames a client writes on it, for tests below Kestrel.</summary>
internal static class TestPipes
{
    /// <summary>The server's end of a connection and the client's.</summary>
    public static (IDuplexPipe Connection, IDuplexPipe Client) Pipes(PipeOptions? toClient = null)
    {
        var up = new Pipe();
        var down = new Pipe(toClient ?? PipeOptions.Default);
        return (new DuplexPipe(up.Reader, down.Writer), new DuplexPipe(down.Reader, up.Writer));
    }

    /// <summary>
    /// A client's frame: <paramref name="first"/> is its first byte (FIN, reserved bits, opcode); the payload is masked
    /// unless <paramref name="masked"/> is false, and its length takes 7, 16 or 64 bits as RFC 6455 says.
    /// </summary>
    public static byte[] ClientFrame(byte first, ReadOnlySpan<byte> payload, bool masked = true)
    {
        var frame = new List<byte> { first };
        var maskBit = masked ? 0x80 : 0;
        if (payload.Length <= 125)
        {
            frame.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame.AddRange([(byte)(maskBit | 126), (byte)(payload.Length >> 8), (byte)payload.Length]);
        }
        else
        {
            frame.Add((byte)(maskBit | 127));
            for (var i = 7; i >= 0; i--) frame.Add((byte)((long)payload.Length >> (8 * i)));
        }
        byte[] key = [0x37, 0xFA, 0x21, 0x3D];
        if (masked) frame.AddRange(key);
        for (var i = 0; i < payload.Length; i++) frame.Add(masked ? (byte)(payload[i] ^ key[i % 4]) : payload[i]);
        return [.. frame];
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
