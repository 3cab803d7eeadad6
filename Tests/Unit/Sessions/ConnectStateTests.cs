using OrleansSocket.Gateway.Sessions;
using Offer = OrleansSocket.Gateway.Sessions.ConnectState<string>.Offer;

namespace OrleansSocket.Tests.Sessions;

/// <summary>The connect state machine: packets held back until the CONNECT answer, dropped once closed.</summary>
public sealed class ConnectStateTests
{
    [Fact]
    public void Packets_sent_while_connecting_go_out_after_the_answer_in_order()
    {
        var state = new ConnectState<string>();
        Assert.Equal(Offer.Held, state.Deliver("a"));
        Assert.Equal(Offer.Held, state.Deliver("b"));
        Assert.Equal(2, state.Held);
        Assert.False(state.IsConnected);

        var written = new List<string>();
        Assert.True(state.TryAccept(early =>
        {
            written.Add("CONNECT");
            written.AddRange(early);
        }));
        Assert.Equal(["CONNECT", "a", "b"], written);
        Assert.True(state.IsConnected);
        Assert.Equal(0, state.Held);
        Assert.Equal(Offer.Send, state.Deliver("c"));
    }

    [Fact]
    public async Task A_packet_delivered_during_the_accept_waits_for_it()
    {
        var state = new ConnectState<string>();
        var inAccept = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        var accepting = Task.Run(() => state.TryAccept(_ =>
        {
            inAccept.Set();
            release.Wait();
        }));
        inAccept.Wait();
        var delivering = Task.Run(() => state.Deliver("late"));
        await Task.Delay(50);
        Assert.False(delivering.IsCompleted); // blocked behind the answer being written
        release.Set();
        Assert.True(await accepting);
        Assert.Equal(Offer.Send, await delivering);
    }

    [Fact]
    public void A_refusal_drops_what_was_held_and_later_packets()
    {
        var state = new ConnectState<string>();
        state.Deliver("a");
        Assert.True(state.TryRefuse());
        Assert.True(state.IsClosed);
        Assert.Equal(0, state.Held);
        Assert.Equal(Offer.Dropped, state.Deliver("b"));
        Assert.False(state.TryAccept(_ => Assert.Fail("a refused socket is never accepted")));
        Assert.False(state.TryRefuse());
    }

    [Fact]
    public void Only_a_connecting_socket_is_refused_and_close_happens_once()
    {
        var state = new ConnectState<string>();
        Assert.True(state.TryAccept(_ => { }));
        Assert.False(state.TryRefuse()); // a late refusal after the answer changes nothing
        Assert.True(state.IsConnected);
        Assert.True(state.TryClose());
        Assert.False(state.TryClose());
        Assert.Equal(Offer.Dropped, state.Deliver("x"));
    }
}
