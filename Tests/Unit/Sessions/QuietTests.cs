using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Hosting;

namespace OrleansSocket.Tests.Sessions;

/// <summary>
/// <see cref="Gateway.Sessions.SocketIOServer.IsQuiet"/>, what the test kit's flush waits for: no grain call queued
/// or running, and every closed socket's grain told.
/// </summary>
public sealed class QuietTests
{
    [Fact]
    public async Task The_server_is_quiet_only_when_no_grain_call_is_outstanding()
    {
        var h = new SessionHarness(new SocketIOOptions());
        h.Receive("0");
        Assert.True(SpinWait.SpinUntil(() => h.Server.IsQuiet, TimeSpan.FromSeconds(5)), "the CONNECT's call never ended");

        h.Receive("2[\"e\"]");
        var call = await h.NextCallAsync();
        Assert.False(h.Server.IsQuiet); // the handler runs
        Assert.False(Assert.Single(h.Server.Sockets).IsIdle);

        call.Done.SetResult(null);
        Assert.True(SpinWait.SpinUntil(() => h.Server.IsQuiet, TimeSpan.FromSeconds(5)));

        h.Receive("2[\"e\"]");
        var last = await h.NextCallAsync();
        h.Session.OnClose(EngineCloseReason.TransportClose); // the socket is gone from the table, its grain not yet told
        Assert.Empty(h.Server.Sockets);
        Assert.False(h.Server.IsQuiet);
        last.Done.SetResult(null);
        Assert.True(SpinWait.SpinUntil(() => h.Server.IsQuiet, TimeSpan.FromSeconds(5)), "the grain was never told the socket left");
    }
}
