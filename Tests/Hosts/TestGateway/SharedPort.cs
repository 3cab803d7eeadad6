using System.Net;
using System.Net.Sockets;

/// <summary>A listening socket that other processes may bind too (Linux <c>SO_REUSEPORT</c>): the kernel spreads new connections over them.</summary>
internal static class SharedPort
{
    private const int SolSocket = 1; // Linux SOL_SOCKET
    private const int SoReusePort = 15; // Linux SO_REUSEPORT

    /// <summary>Kestrel's <c>CreateBoundListenSocket</c>: a TCP socket with <c>SO_REUSEPORT</c>, bound to <paramref name="endpoint"/>.</summary>
    public static Socket Bind(EndPoint endpoint)
    {
        if (endpoint is not IPEndPoint ip || !OperatingSystem.IsLinux())
            throw new NotSupportedException($"Bench:ReusePort needs a TCP endpoint on Linux, not {endpoint}.");
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            socket.Bind(ip);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
