using System.Text;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Tests.Sessions;

/// <summary>
/// The bound on what one connection holds of its client's input (SocketIO:MaxInboundPackets, MaxInboundBytes,
/// Parser:MaxPendingBinaryBytes), through the gateway's real session and namespace sockets.
/// </summary>
public sealed class InboundBoundTests
{
    private static SocketIOOptions Options(int packets = 1000, long bytes = 1_000_000, long pendingBinary = 10_000_000) => new()
    {
        MaxInboundPackets = packets,
        MaxInboundBytes = bytes,
        Parser = new SocketIOParserOptions { MaxPendingBinaryBytes = pendingBinary },
    };

    /// <summary>An EVENT of exactly <paramref name="length"/> bytes on the wire.</summary>
    private static string Event(int length, string ns = "")
    {
        var prefix = $"2{(ns.Length > 0 ? ns + "," : "")}[\"e\",\"";
        var text = prefix + new string('x', length - prefix.Length - 2) + "\"]";
        Assert.Equal(length, Encoding.UTF8.GetByteCount(text));
        return text;
    }

    [Fact]
    public async Task At_the_packet_bound_a_message_is_taken_one_more_waits_until_a_handler_finishes()
    {
        var h = new SessionHarness(Options(packets: 3));
        h.Receive("0");
        Assert.StartsWith("0{\"sid\":", Assert.Single(h.Sent));

        h.Receive(Event(20)); // handled now: its grain call stays open
        var first = await h.NextCallAsync();
        h.Receive(Event(20));
        h.Receive(Event(20)); // the third: exactly at the bound, taken
        Assert.Equal(3, h.Session.Inbound.Packets);

        var room = h.Session.Inbound.WaitForRoomAsync(20);
        Assert.False(room.IsCompleted); // the fourth waits: the transport reads nothing more

        first.Done.SetResult(null);
        await room.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        h.Session.OnMessage(Encoding.UTF8.GetBytes(Event(20)), false);
        Assert.Equal(3, h.Session.Inbound.Packets);

        // Every event still reaches its grain, in order (those that queued up behind the first in one call).
        for (var i = 0; i < 3; i++) (await h.NextCallAsync()).Done.SetResult(null);
        Assert.True(SpinWait.SpinUntil(() => h.Session.Inbound.Packets == 0, TimeSpan.FromSeconds(5)));
        Assert.Equal(0, h.Session.Inbound.Bytes);
        Assert.Equal(0, h.Closes);
    }

    [Fact]
    public async Task At_the_byte_bound_a_message_is_taken_one_byte_more_waits()
    {
        var h = new SessionHarness(Options(bytes: 100));
        h.Receive("0");
        h.Receive(Event(40));
        var first = await h.NextCallAsync();
        h.Receive(Event(40));
        Assert.Equal(80, h.Session.Inbound.Bytes);

        Assert.True(h.Session.Inbound.WaitForRoomAsync(20).IsCompleted); // 100: exactly the bound
        var over = h.Session.Inbound.WaitForRoomAsync(21);
        Assert.False(over.IsCompleted);

        first.Done.SetResult(null);
        await over.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(40, h.Session.Inbound.Bytes);
    }

    [Fact]
    public async Task A_message_larger_than_the_byte_bound_gets_in_once_nothing_is_queued()
    {
        var h = new SessionHarness(Options(bytes: 100));
        h.Receive("0");
        h.Receive(Event(30));
        var first = await h.NextCallAsync();

        var big = h.Session.Inbound.WaitForRoomAsync(500);
        Assert.False(big.IsCompleted);
        first.Done.SetResult(null);
        await big.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        h.Session.OnMessage(Encoding.UTF8.GetBytes(Event(500)), false);
        Assert.Equal(500, h.Session.Inbound.Bytes);
    }

    [Fact]
    public async Task The_bound_is_shared_by_every_namespace_of_the_connection()
    {
        var h = new SessionHarness(Options(packets: 2));
        h.Receive("0");
        h.Receive("0/custom,");
        h.Receive(Event(20));
        await h.NextCallAsync();
        h.Receive(Event(30, "/custom"));
        var custom = await h.NextCallAsync();
        Assert.Equal("e", custom.Event.Event);

        var room = h.Session.Inbound.WaitForRoomAsync(10);
        Assert.False(room.IsCompleted);
        custom.Done.SetResult(null);
        await room.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Closing_the_connection_releases_a_waiting_transport()
    {
        var h = new SessionHarness(Options(packets: 1));
        h.Receive("0");
        h.Receive(Event(20));
        var room = h.Session.Inbound.WaitForRoomAsync(10);
        Assert.False(room.IsCompleted);

        h.Session.OnClose(EngineCloseReason.TransportClose);
        await room.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(h.Session.Inbound.WaitForRoomAsync(10).IsCompleted); // what is read after the close is dropped anyway
    }

    [Fact]
    public async Task A_partial_binary_packet_counts_against_the_bound_until_it_is_handled()
    {
        var h = new SessionHarness(Options(bytes: 200));
        h.Receive("0");
        h.Receive(Event(40));
        var first = await h.NextCallAsync();

        const string header = "52-[\"up\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]";
        h.Receive(header);
        h.Receive(new byte[10], isBinary: true);
        var pending = header.Length + 10;
        Assert.Equal(40 + pending, h.Session.Inbound.Bytes);
        Assert.Equal(1, h.Session.Inbound.Packets);
        Assert.True(h.Session.Inbound.WaitForRoomAsync(200 - 40 - pending).IsCompleted);
        Assert.False(h.Session.Inbound.WaitForRoomAsync(200 - 40 - pending + 1).IsCompleted);

        // The last attachment completes it: one packet of all its bytes, queued behind the first event.
        h.Session.OnMessage(new byte[5], true);
        Assert.Equal(2, h.Session.Inbound.Packets);
        Assert.Equal(40 + pending + 5, h.Session.Inbound.Bytes);

        first.Done.SetResult(null);
        var upload = await h.NextCallAsync();
        Assert.Equal("up", upload.Event.Event);
        Assert.Equal([10, 5], upload.Event.Payload.Attachments!.Select(a => a.Length));
        Assert.Equal(pending + 5, h.Session.Inbound.Bytes);
    }

    [Fact]
    public void A_binary_packet_exactly_at_MaxPendingBinaryBytes_is_taken()
    {
        const string header = "51-[\"up\",{\"_placeholder\":true,\"num\":0}]";
        var h = new SessionHarness(Options(pendingBinary: header.Length + 10));
        h.Receive("0");
        h.Receive(header);
        h.Receive(new byte[10], isBinary: true);

        Assert.Equal(0, h.Closes);
        Assert.Equal(1, h.Session.Inbound.Packets);
        Assert.Equal(header.Length + 10, h.Session.Inbound.Bytes);
    }

    [Fact]
    public void A_binary_packet_one_byte_over_MaxPendingBinaryBytes_closes_the_connection_with_one_short_log_line()
    {
        const string header = "52-[\"up\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]";
        var h = new SessionHarness(Options(pendingBinary: header.Length + 10));
        h.Receive("0");
        h.Receive(header);
        h.Receive(new byte[6], isBinary: true);
        Assert.Equal(0, h.Closes);
        h.Receive(new byte[5], isBinary: true);

        Assert.Equal(1, h.Closes);
        Assert.Equal(0, h.Session.Inbound.Bytes); // what it held is let go
        Assert.Equal(0, h.Session.Inbound.Packets);
        var line = Assert.Single(h.Logs.Entries);
        Assert.Null(line.Exception);
        Assert.Contains("MaxPendingBinaryBytes", line.Message);
        Assert.DoesNotContain('\n', line.Message);
    }
}
