using System.Net;
using System.Net.Sockets;

namespace OrleansSocket.Tests;

/// <summary>Real TCP connections over loopback, for the tests of code that sends on a socket.</summary>
internal static class LoopbackTcp
{
    /// <summary>Both ends of a new loopback connection: the accepted one (a server's) and the connecting one.</summary>
    public static async Task<(Socket Accepted, Socket Peer)> PairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await peer.ConnectAsync(listener.LocalEndPoint!);
        return (await listener.AcceptAsync(), peer);
    }
}
