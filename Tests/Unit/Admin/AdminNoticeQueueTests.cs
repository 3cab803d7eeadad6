using System.Text;
using OrleansSocket.Grains.Admin;

namespace OrleansSocket.Tests.Admin;

/// <summary>The development mode's queue at its edges: in notices and in bytes, and the room given back once sent.</summary>
public sealed class AdminNoticeQueueTests
{
    /// <summary>A notice of exactly <paramref name="bytes"/> bytes (a JSON array holding one string).</summary>
    private static AdminNotice Notice(int bytes) => new("event_received", new SocketPayload(Encoding.UTF8.GetBytes("[\"" + new string('x', bytes - 4) + "\"]")));

    [Fact]
    public void A_notice_that_fills_the_byte_bound_exactly_is_queued_one_byte_more_is_dropped()
    {
        var queue = new AdminNoticeQueue(maxNotices: 100, maxBytes: 100);

        Assert.True(queue.TryAdd(Notice(60), out _));
        Assert.True(queue.TryAdd(Notice(40), out _));
        Assert.Equal((2, 100L, 0L), (queue.Count, queue.Bytes, queue.Dropped));

        Assert.False(queue.TryAdd(Notice(4), out _));
        Assert.Equal((2, 100L, 1L), (queue.Count, queue.Bytes, queue.Dropped));
    }

    [Fact]
    public void A_single_notice_one_byte_over_the_bound_is_dropped()
    {
        var queue = new AdminNoticeQueue(maxNotices: 100, maxBytes: 100);

        Assert.False(queue.TryAdd(Notice(101), out _));
        Assert.True(queue.TryAdd(Notice(100), out _));
        Assert.Equal((1, 100L, 1L), (queue.Count, queue.Bytes, queue.Dropped));
    }

    [Fact]
    public void Binary_attachments_count_in_the_bytes()
    {
        var notice = new AdminNotice("event_sent", new SocketPayload("[{\"_placeholder\":true,\"num\":0}]"u8.ToArray(), [new byte[50]]));
        Assert.Equal(31 + 50, notice.Size);
    }

    [Fact]
    public async Task The_bytes_are_given_back_when_a_notice_is_released_after_its_send()
    {
        var queue = new AdminNoticeQueue(maxNotices: 100, maxBytes: 100);
        Assert.True(queue.TryAdd(Notice(70), out _));
        Assert.False(queue.TryAdd(Notice(70), out _));

        await using var reader = queue.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await reader.MoveNextAsync());
        // Read but not yet sent: still held.
        Assert.Equal((1, 70L), (queue.Count, queue.Bytes));

        queue.Release(reader.Current);
        Assert.Equal((0, 0L), (queue.Count, queue.Bytes));
        Assert.True(queue.TryAdd(Notice(100), out _));
    }

    [Fact]
    public void The_count_bound_holds_whatever_the_bytes()
    {
        var queue = new AdminNoticeQueue(maxNotices: 2, maxBytes: 1_000);

        Assert.True(queue.TryAdd(Notice(5), out _));
        Assert.True(queue.TryAdd(Notice(5), out _));
        Assert.False(queue.TryAdd(Notice(5), out _));
        Assert.Equal((2, 10L, 1L), (queue.Count, queue.Bytes, queue.Dropped));
    }

    [Fact]
    public void Only_the_first_drop_of_a_run_says_it_started_dropping()
    {
        var queue = new AdminNoticeQueue(maxNotices: 1, maxBytes: 1_000);
        Assert.True(queue.TryAdd(Notice(5), out var started));
        Assert.False(started);

        Assert.False(queue.TryAdd(Notice(5), out started));
        Assert.True(started);
        Assert.False(queue.TryAdd(Notice(5), out started));
        Assert.False(started);
        Assert.Equal(2L, queue.Dropped);
    }
}
