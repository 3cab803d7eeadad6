using System.Text;

namespace OrleansSocket.Bench.CodecBenchmarks;

/// <summary>The packets the benchmarks decode and encode, shaped like the load harness's traffic.</summary>
internal static class Packets
{
    /// <summary>The harness's echo payload: <c>{"p":"xxx…"}</c> of about <paramref name="bytes"/> bytes.</summary>
    public static string EchoArgument(int bytes) => $"{{\"p\":\"{new string('x', Math.Max(0, bytes - 8))}\"}}";

    /// <summary>The harness's broadcast payload: <c>{"s":seq,"t":ms,"p":"xxx…"}</c>.</summary>
    public static string BroadcastArgument(int bytes) =>
        $"{{\"s\":12345,\"t\":98765.4321,\"p\":\"{new string('x', Math.Max(0, bytes - 48))}\"}}";

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public static byte[] Binary(int bytes)
    {
        var data = new byte[bytes];
        new Random(42).NextBytes(data);
        return data;
    }
}
