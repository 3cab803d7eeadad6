using System.Text;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Protocol;
using OrleansSocket.Tests.Sessions;

namespace OrleansSocket.Tests.Protocol;

/// <summary>What differs between Socket.IO protocols 4 and 5, chosen once per connection.</summary>
public sealed class SocketIORevisionTests
{
    [Fact]
    public void Engine_io_3_carries_protocol_4_and_engine_io_4_protocol_5()
    {
        Assert.Same(SocketIORevision.V4, SocketIORevision.ForEngine(3));
        Assert.Same(SocketIORevision.V5, SocketIORevision.ForEngine(4));
        Assert.Equal(4, SocketIORevision.For(4).Protocol);
        Assert.Equal(5, SocketIORevision.For(5).Protocol);
        Assert.Throws<ArgumentOutOfRangeException>(() => SocketIORevision.For(3));
    }

    [Fact]
    public void Protocol_4_connects_to_the_main_namespace_at_once_and_has_no_recovery()
    {
        Assert.True(SocketIORevision.V4.ConnectsMainNamespaceAtOpen);
        Assert.False(SocketIORevision.V4.SupportsRecovery);
        Assert.False(SocketIORevision.V5.ConnectsMainNamespaceAtOpen);
        Assert.True(SocketIORevision.V5.SupportsRecovery);
    }

    [Fact]
    public void Protocol_4_takes_the_namespace_query_as_auth_and_protocol_5_the_payload()
    {
        var v4 = new SocketIODecoder(SocketIORevision.V4, new SocketIOParserOptions()).DecodeText("0/admin?token=abc&x=1,"u8)!;
        Assert.Equal("/admin", v4.Namespace);
        Assert.Equal("{\"token\":\"abc\",\"x\":\"1\"}", Encoding.UTF8.GetString(SocketIORevision.V4.ConnectAuth(v4).Span));
        Assert.Equal("{}", Encoding.UTF8.GetString(SocketIORevision.V4.ConnectAuth(new SocketIOPacket()).Span));

        var v5 = new SocketIODecoder(SocketIORevision.V5, new SocketIOParserOptions()).DecodeText("0/admin?token=abc,{\"a\":1}"u8)!;
        Assert.Equal("/admin?token=abc", v5.Namespace); // v5 has no query in the namespace
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(SocketIORevision.V5.ConnectAuth(v5).Span));
    }

    [Fact]
    public void Protocol_4_refuses_a_connect_payload()
    {
        var decoder = new SocketIODecoder(SocketIORevision.V4, new SocketIOParserOptions());
        Assert.Throws<SocketIODecodeException>(() => decoder.DecodeText("0{\"a\":1}"u8));
    }

    [Fact]
    public void Protocol_4_clients_compute_their_socket_ids_from_the_engine_id()
    {
        Assert.Equal("eid", SocketIORevision.V4.ClientComputedSocketId("/", "eid"));
        Assert.Equal("/admin#eid", SocketIORevision.V4.ClientComputedSocketId("/admin", "eid"));
        Assert.Null(SocketIORevision.V5.ClientComputedSocketId("/", "eid"));
    }

    [Fact]
    public void A_session_on_engine_io_3_is_connected_to_the_main_namespace_with_the_engine_id()
    {
        var h = new SessionHarness(new SocketIOOptions(), eio: 3);
        Assert.Same(SocketIORevision.V4, h.Session.Revision);
        Assert.True(SpinWait.SpinUntil(() => h.Session.Find("/") is { IsConnected: true }, TimeSpan.FromSeconds(5)));
        Assert.Equal("sid1", h.Session.Find("/")!.Id);
        Assert.Equal("0", Assert.Single(h.Sent)); // v4's CONNECT reply carries no id
        h.Receive("0/admin?token=abc,");
        Assert.True(SpinWait.SpinUntil(() => h.Connects.Count == 2, TimeSpan.FromSeconds(5)));
        Assert.Equal("/admin#sid1", h.Session.Find("/admin")!.Id);
        Assert.Equal("{\"token\":\"abc\"}", Encoding.UTF8.GetString(h.Connects.Last().Handshake.AuthJson));
    }
}
