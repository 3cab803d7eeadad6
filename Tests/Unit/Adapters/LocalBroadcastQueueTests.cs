using OrleansSocket.Grains.Adapters;

namespace OrleansSocket.Tests.Adapters;

/// <summary>
/// The queue of broadcasts a process publishes for its own gateway, at its edges: in broadcasts and in bytes, the
/// publisher waiting at either bound until a delivered broadcast's room is given back, volatile broadcasts dropped,
/// and one broadcast larger than the byte bound delivered alone.
/// </summary>
public sealed class LocalBroadcastQueueTests
{
    /// <summary>A broadcast that <see cref="LocalBroadcastQueue.SizeOf"/> counts as exactly <paramref name="bytes"/> bytes
    /// (an event name of one character, two bytes, and <paramref name="bytes"/> − 2 bytes of arguments).</summary>
    private static GatewayBroadcast Broadcast(int bytes, bool isVolatile = false, int tag = 0)
    {
        var args = new byte[bytes - 2];
        args.AsSpan().Fill((byte)' ');
        if (args.Length > 0) args[0] = (byte)tag;
        return new GatewayBroadcast("/", [], [], new OutboundPacket("/", "e", new SocketPayload(args), isVolatile));
    }

    /// <summary>What became of a broadcast offered, which must be known at once (taken or dropped, not waiting).</summary>
    private static LocalAdmission Now(ValueTask<LocalAdmission> admission)
    {
        Assert.True(admission.IsCompletedSuccessfully);
        return admission.Result;
    }

    [Fact]
    public void The_size_counts_arguments_attachments_and_names()
    {
        var broadcast = new GatewayBroadcast("/", ["room", "ab"], ["x"], new OutboundPacket("/", "event",
            new SocketPayload("[{\"_placeholder\":true,\"num\":0}]"u8.ToArray(), [new byte[50], new byte[7]])));

        // 31 bytes of JSON, 57 of attachments, "event" + "room" + "ab" + "x" = 12 characters of two bytes.
        Assert.Equal(31 + 57 + 24, LocalBroadcastQueue.SizeOf(broadcast));
        Assert.Equal(100, LocalBroadcastQueue.SizeOf(Broadcast(100)));
    }

    [Fact]
    public void Exactly_the_length_bound_is_taken_at_once_one_more_waits()
    {
        var queue = new LocalBroadcastQueue(maxLength: 3, maxBytes: 1_000);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(LocalAdmission.Queued, Now(queue.EnqueueAsync(Broadcast(10))));
        }
        var fourth = queue.EnqueueAsync(Broadcast(10));

        Assert.False(fourth.IsCompleted);
        Assert.Equal((3, 30L, 1), (queue.Count, queue.Bytes, queue.Waiting));
    }

    [Fact]
    public void Exactly_the_byte_bound_is_taken_at_once_one_byte_more_waits()
    {
        var filled = new LocalBroadcastQueue(maxLength: 100, maxBytes: 100);
        Assert.Equal(LocalAdmission.Queued, Now(filled.EnqueueAsync(Broadcast(60))));
        Assert.Equal(LocalAdmission.Queued, Now(filled.EnqueueAsync(Broadcast(40))));
        Assert.Equal((2, 100L), (filled.Count, filled.Bytes));

        var over = new LocalBroadcastQueue(maxLength: 100, maxBytes: 100);
        Assert.Equal(LocalAdmission.Queued, Now(over.EnqueueAsync(Broadcast(60))));
        var oneByteOver = over.EnqueueAsync(Broadcast(41));

        Assert.False(oneByteOver.IsCompleted);
        Assert.Equal((1, 60L, 1), (over.Count, over.Bytes, over.Waiting));
    }

    [Fact]
    public async Task A_delivered_broadcast_gives_its_bytes_back_on_release_and_lets_the_waiter_in()
    {
        var queue = new LocalBroadcastQueue(maxLength: 100, maxBytes: 100);
        await queue.EnqueueAsync(Broadcast(70));
        var waiting = queue.EnqueueAsync(Broadcast(31)).AsTask();

        Assert.True(queue.Reader.TryRead(out var first));
        // Read, being delivered: still held, so the waiter still waits.
        Assert.Equal((1, 70L, 1), (queue.Count, queue.Bytes, queue.Waiting));
        Assert.False(waiting.IsCompleted);

        queue.Release(first);

        Assert.Equal(LocalAdmission.Queued, await waiting);
        Assert.Equal((1, 31L, 0), (queue.Count, queue.Bytes, queue.Waiting));
        Assert.True(queue.Reader.TryRead(out var second));
        Assert.Equal(31, second.Size);
    }

    [Fact]
    public async Task A_release_lets_in_only_the_waiters_that_fit_in_their_order()
    {
        var queue = new LocalBroadcastQueue(maxLength: 2, maxBytes: 100);
        await queue.EnqueueAsync(Broadcast(50, tag: 1));
        await queue.EnqueueAsync(Broadcast(50, tag: 2));
        var third = queue.EnqueueAsync(Broadcast(60, tag: 3)).AsTask();
        var fourth = queue.EnqueueAsync(Broadcast(10, tag: 4)).AsTask(); // would fit the bytes, but waits its turn

        Assert.True(queue.Reader.TryRead(out var one));
        queue.Release(one);
        // 50 + 60 is over the byte bound: the third still waits, and the fourth behind it.
        Assert.Equal((1, 50L, 2), (queue.Count, queue.Bytes, queue.Waiting));

        Assert.True(queue.Reader.TryRead(out var two));
        queue.Release(two);
        Assert.Equal(LocalAdmission.Queued, await third);
        Assert.Equal(LocalAdmission.Queued, await fourth);
        Assert.Equal((2, 70L, 0), (queue.Count, queue.Bytes, queue.Waiting));

        Assert.True(queue.Reader.TryRead(out var three));
        Assert.True(queue.Reader.TryRead(out var four));
        Assert.Equal([1, 2, 3, 4], new[] { one, two, three, four }.Select(q => (int)q.Broadcast.Packet.Payload.ArgsJson[0]));
    }

    [Fact]
    public void A_volatile_broadcast_is_dropped_at_the_length_bound()
    {
        var queue = new LocalBroadcastQueue(maxLength: 1, maxBytes: 1_000);
        Assert.Equal(LocalAdmission.Queued, Now(queue.EnqueueAsync(Broadcast(10, isVolatile: true))));

        Assert.Equal(LocalAdmission.DroppingStarted, Now(queue.EnqueueAsync(Broadcast(10, isVolatile: true))));
        Assert.Equal((1, 10L, 0, 1L), (queue.Count, queue.Bytes, queue.Waiting, queue.Dropped));
    }

    [Fact]
    public void A_volatile_broadcast_one_byte_over_the_byte_bound_is_dropped_one_that_fits_exactly_is_not()
    {
        var queue = new LocalBroadcastQueue(maxLength: 100, maxBytes: 100);
        Assert.Equal(LocalAdmission.Queued, Now(queue.EnqueueAsync(Broadcast(60))));

        Assert.Equal(LocalAdmission.DroppingStarted, Now(queue.EnqueueAsync(Broadcast(41, isVolatile: true))));
        Assert.Equal(LocalAdmission.Queued, Now(queue.EnqueueAsync(Broadcast(40, isVolatile: true))));
        Assert.Equal((2, 100L, 1L), (queue.Count, queue.Bytes, queue.Dropped));
    }

    [Fact]
    public async Task A_volatile_broadcast_is_dropped_while_others_wait_even_if_it_would_fit()
    {
        var queue = new LocalBroadcastQueue(maxLength: 100, maxBytes: 100);
        await queue.EnqueueAsync(Broadcast(60));
        var waiting = queue.EnqueueAsync(Broadcast(50)); // the waiter gets the room first

        Assert.Equal(LocalAdmission.DroppingStarted, Now(queue.EnqueueAsync(Broadcast(10, isVolatile: true))));
        Assert.False(waiting.IsCompleted);
        Assert.Equal((1, 60L, 1L), (queue.Count, queue.Bytes, queue.Dropped));
    }

    [Fact]
    public async Task Only_the_first_drop_of_a_run_says_so_a_queued_broadcast_ends_the_run()
    {
        var queue = new LocalBroadcastQueue(maxLength: 1, maxBytes: 1_000);
        await queue.EnqueueAsync(Broadcast(10));

        Assert.Equal(LocalAdmission.DroppingStarted, Now(queue.EnqueueAsync(Broadcast(10, isVolatile: true))));
        Assert.Equal(LocalAdmission.Dropped, Now(queue.EnqueueAsync(Broadcast(10, isVolatile: true))));

        Assert.True(queue.Reader.TryRead(out var first));
        queue.Release(first);
        Assert.Equal(LocalAdmission.Queued, Now(queue.EnqueueAsync(Broadcast(10, isVolatile: true))));
        Assert.Equal(LocalAdmission.DroppingStarted, Now(queue.EnqueueAsync(Broadcast(10, isVolatile: true))));
        Assert.Equal(3L, queue.Dropped);
    }

    [Fact]
    public async Task A_broadcast_larger_than_the_byte_bound_waits_for_an_empty_queue_and_goes_alone()
    {
        var queue = new LocalBroadcastQueue(maxLength: 100, maxBytes: 100);
        await queue.EnqueueAsync(Broadcast(10));
        var large = queue.EnqueueAsync(Broadcast(101)).AsTask();
        Assert.False(large.IsCompleted);

        Assert.True(queue.Reader.TryRead(out var small));
        queue.Release(small);

        Assert.Equal(LocalAdmission.Queued, await large);
        Assert.Equal((1, 101L), (queue.Count, queue.Bytes));
        // While it is held, nothing else gets in, however small.
        var after = queue.EnqueueAsync(Broadcast(2));
        Assert.False(after.IsCompleted);
        Assert.Equal(LocalAdmission.DroppingStarted, Now(queue.EnqueueAsync(Broadcast(2, isVolatile: true))));

        Assert.True(queue.Reader.TryRead(out var alone));
        queue.Release(alone);
        Assert.Equal(LocalAdmission.Queued, await after);
    }

    [Fact]
    public void A_broadcast_larger_than_the_byte_bound_is_taken_by_an_empty_queue_even_volatile()
    {
        var queue = new LocalBroadcastQueue(maxLength: 100, maxBytes: 100);

        Assert.Equal(LocalAdmission.Queued, Now(queue.EnqueueAsync(Broadcast(1_000, isVolatile: true))));
        Assert.Equal((1, 1_000L, 0L), (queue.Count, queue.Bytes, queue.Dropped));
    }

    [Fact]
    public async Task Completing_keeps_what_was_queued_for_the_reader_and_lets_the_waiters_go_unqueued()
    {
        var queue = new LocalBroadcastQueue(maxLength: 1, maxBytes: 1_000);
        await queue.EnqueueAsync(Broadcast(10, tag: 1));
        var waiting = queue.EnqueueAsync(Broadcast(10, tag: 2)).AsTask();

        queue.Complete();

        Assert.Equal(LocalAdmission.Closed, await waiting);
        Assert.Equal(LocalAdmission.Closed, Now(queue.EnqueueAsync(Broadcast(10))));
        Assert.True(queue.Reader.TryRead(out var queued));
        Assert.Equal(1, queued.Broadcast.Packet.Payload.ArgsJson[0]);
        Assert.False(queue.Reader.TryRead(out _));
        Assert.True(queue.Reader.Completion.IsCompleted);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 1)]
    [InlineData(1, 0)]
    [InlineData(1, -1)]
    public void A_bound_below_one_is_refused(int maxLength, long maxBytes) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LocalBroadcastQueue(maxLength, maxBytes));
}
