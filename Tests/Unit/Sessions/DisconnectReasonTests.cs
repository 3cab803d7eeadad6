using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Tests.Sessions;

/// <summary>Close and disconnect reasons: one enum each, spelt as Node spells them, and what the grain hears.</summary>
public sealed class DisconnectReasonTests
{
    [Theory]
    [InlineData(DisconnectReason.TransportClose, "transport close")]
    [InlineData(DisconnectReason.TransportError, "transport error")]
    [InlineData(DisconnectReason.PingTimeout, "ping timeout")]
    [InlineData(DisconnectReason.ParseError, "parse error")]
    [InlineData(DisconnectReason.ForcedClose, "forced close")]
    [InlineData(DisconnectReason.ClientNamespaceDisconnect, "client namespace disconnect")]
    [InlineData(DisconnectReason.ServerNamespaceDisconnect, "server namespace disconnect")]
    [InlineData(DisconnectReason.ServerShuttingDown, "server shutting down")]
    [InlineData(DisconnectReason.ForcedServerClose, "forced server close")]
    internal void Each_disconnect_reason_has_socket_io_s_string(DisconnectReason reason, string wire) =>
        Assert.Equal(wire, reason.ToWireString());

    [Fact]
    public void Every_disconnect_reason_has_a_string_of_its_own()
    {
        var all = Enum.GetValues<DisconnectReason>();
        Assert.Equal(all.Length, all.Select(r => r.ToWireString()).Distinct().Count());
    }

    [Theory]
    [InlineData(EngineCloseReason.TransportClose, "transport close")]
    [InlineData(EngineCloseReason.TransportError, "transport error")]
    [InlineData(EngineCloseReason.PingTimeout, "ping timeout")]
    [InlineData(EngineCloseReason.ParseError, "parse error")]
    [InlineData(EngineCloseReason.ForcedClose, "forced close")]
    public void An_engine_close_reaches_each_socket_with_the_same_string(EngineCloseReason reason, string wire)
    {
        Assert.Equal(wire, reason.ToWireString());
        Assert.Equal(wire, reason.ToDisconnectReason().ToWireString());
    }

    [Fact]
    public void A_reason_outside_the_enum_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((DisconnectReason)99).ToWireString());
        Assert.Throws<ArgumentOutOfRangeException>(() => ((EngineCloseReason)99).ToDisconnectReason());
    }

    [Fact]
    public void The_grain_hears_a_client_namespace_disconnect_then_the_connection_s_close_as_strings()
    {
        var h = new SessionHarness(new SocketIOOptions());
        h.Receive("0");
        h.Receive("0/admin,");
        h.Receive("1/admin,");
        Assert.True(SpinWait.SpinUntil(() => h.Disconnects.Count == 1, TimeSpan.FromSeconds(5)));
        h.Session.OnClose(EngineCloseReason.PingTimeout);
        Assert.True(SpinWait.SpinUntil(() => h.Disconnects.Count == 2, TimeSpan.FromSeconds(5)));
        Assert.Equal(["client namespace disconnect", "ping timeout"], h.Disconnects);
    }

    [Fact]
    public void The_grain_hears_a_server_disconnect_as_a_string()
    {
        var h = new SessionHarness(new SocketIOOptions());
        h.Receive("0");
        Assert.True(SpinWait.SpinUntil(() => h.Session.Find("/") is { IsConnected: true }, TimeSpan.FromSeconds(5)));
        h.Session.Find("/")!.ServerDisconnect(closeConnection: false);
        Assert.True(SpinWait.SpinUntil(() => h.Disconnects.Count == 1, TimeSpan.FromSeconds(5)));
        Assert.Equal("server namespace disconnect", Assert.Single(h.Disconnects));
    }
}
