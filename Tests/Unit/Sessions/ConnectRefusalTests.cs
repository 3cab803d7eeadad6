using OrleansSocket.Gateway.Hosting;

namespace OrleansSocket.Tests.Sessions;

/// <summary>What the gateway writes when a socket grain refuses a namespace CONNECT, per protocol version.</summary>
public sealed class ConnectRefusalTests
{
    [Fact]
    public void An_unknown_namespace_is_refused_to_a_protocol_v4_client_with_an_object_as_Node_does()
    {
        var h = new SessionHarness(new SocketIOOptions(), eio: 3)
        {
            ConnectAnswer = ns => ns switch
            {
                "/" => ConnectResult.Ok,
                "/admin" => new ConnectResult(false, "Not authorized"), // a middleware's refusal stays a string (Node: err.message)
                _ => ConnectResult.InvalidNamespace,
            },
        };
        Assert.Equal("0", Assert.Single(h.Sent)); // socket.io 2.x: connected to "/" without asking

        h.Receive("0/does-not-exist");
        h.Receive("0/admin");

        Assert.Equal(["0", "4/does-not-exist,{\"message\":\"Invalid namespace\"}", "4/admin,\"Not authorized\""], h.Sent);
    }

    [Fact]
    public void An_unknown_namespace_is_refused_to_a_protocol_v5_client_with_the_same_object()
    {
        var h = new SessionHarness(new SocketIOOptions()) { ConnectAnswer = _ => ConnectResult.InvalidNamespace };
        h.Receive("0/does-not-exist,");

        Assert.Equal(["4/does-not-exist,{\"message\":\"Invalid namespace\"}"], h.Sent);
    }
}
