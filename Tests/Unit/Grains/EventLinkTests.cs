using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Sessions;
using OrleansSocket.Grains.Sockets;
using OrleansSocket.Tests.Sessions;

namespace OrleansSocket.Tests.Grains;

/// <summary>
/// The event link between a thin gateway and a silo, over real loopback sockets: its framing, the silo's listener
/// (answers by id, its bounds, a bad peer closed alone) and the gateway's end (the grain call while there is no link,
/// the retry on a fake clock, batches in flight failed when the connection closes).
/// </summary>
public sealed class EventLinkTests : IAsyncLifetime
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(EventBatch).Assembly)).BuildServiceProvider().GetRequiredService<Serializer>();

    private readonly ListLoggerFactory _logs = new();
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) await owned.DisposeAsync();
    }

    private static ClientEvent Event(string name) => new(name, SocketPayload.Empty, WantsAck: true) { AckId = 1 };

    private static EventBatch Batch(params string[] names) => new([.. names.Select((_, i) => $"s{i}")], [.. names.Select(Event)]);

    /// <summary>Each event's ack is its own name.</summary>
    private static EventBatchResult Echo(EventBatch batch) =>
        new([.. batch.Events.Select(e => (SocketPayload?)new SocketPayload(Encoding.UTF8.GetBytes($"[\"{e.Event}\"]")))], null);

    private static string[] Acks(EventBatchResult result) => [.. result.Acks.Select(a => Encoding.UTF8.GetString(a!.ArgsJson))];

    private (EventLinkServer Server, IPEndPoint Endpoint) Listen(Func<EventBatch, Task<EventBatchResult>> handle, EventLinkOptions? options = null)
    {
        var server = new EventLinkServer(options ?? new EventLinkOptions { Enabled = true }, handle, Serializer, _logs.CreateLogger("link"));
        _owned.Add(server);
        return (server, server.Start(new IPEndPoint(IPAddress.Loopback, 0)));
    }

    private EventLinkClient Client(Func<Task<string?>> endpoint, Func<EventBatch, Task<EventBatchResult>>? fallback = null,
        EventBatchingOptions? options = null, TimeProvider? time = null)
    {
        var client = new EventLinkClient(endpoint, fallback ?? (_ => throw new InvalidOperationException("went by grain call")), Serializer,
            options ?? new EventBatchingOptions(), time ?? TimeProvider.System, _logs.CreateLogger("client"));
        _owned.Add(client);
        return client;
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (timeout.IsCancellationRequested) Assert.Fail($"never: {what}");
            await Task.Delay(5);
        }
    }

    private static ReadOnlySequence<byte> Frame(long id, EventBatch batch)
    {
        var writer = new ArrayBufferWriter<byte>();
        EventLinkFrames.Write(writer, Serializer, id, batch);
        return new ReadOnlySequence<byte>(writer.WrittenMemory);
    }

    [Fact]
    public void A_frame_is_read_only_once_whole_and_carries_its_id_and_batch()
    {
        var whole = Frame(42, Batch("a", "b")).ToArray();

        for (var length = 0; length < whole.Length; length++)
        {
            var part = new ReadOnlySequence<byte>(whole, 0, length);
            Assert.Equal(EventLinkRead.NeedMore, EventLinkFrames.TryRead(ref part, 1 << 20, out _, out _));
            Assert.Equal(length, part.Length); // nothing taken
        }
        var buffer = new ReadOnlySequence<byte>([.. whole, .. whole]);
        Assert.Equal(EventLinkRead.Frame, EventLinkFrames.TryRead(ref buffer, 1 << 20, out var id, out var body));
        Assert.Equal(42, id);
        Assert.Equal(["a", "b"], Serializer.Deserialize<EventBatch>(body)!.Events.Select(e => e.Event));
        Assert.Equal(whole.Length, buffer.Length); // the second frame is left
    }

    [Fact]
    public void A_header_over_the_bound_is_refused_before_its_body_comes_and_one_at_the_bound_is_read()
    {
        var whole = Frame(1, Batch("a")).ToArray();
        var bodyBytes = whole.Length - EventLinkFrames.HeaderBytes;

        var atBound = new ReadOnlySequence<byte>(whole);
        Assert.Equal(EventLinkRead.Frame, EventLinkFrames.TryRead(ref atBound, bodyBytes, out _, out _));
        var header = new ReadOnlySequence<byte>(whole, 0, EventLinkFrames.HeaderBytes);
        Assert.Equal(EventLinkRead.TooLarge, EventLinkFrames.TryRead(ref header, bodyBytes - 1, out _, out _));
    }

    [Fact]
    public async Task Batches_travel_over_the_link_and_each_gets_the_answer_of_its_own_id()
    {
        var first = new TaskCompletionSource();
        var (server, endpoint) = Listen(async batch =>
        {
            if (batch.Events[0].Event == "first") await first.Task; // answered after the second
            return Echo(batch);
        });
        var client = Client(() => Task.FromResult<string?>(endpoint.ToString()));

        var one = client.SendAsync(Batch("first", "x"));
        var two = await client.SendAsync(Batch("second"));
        Assert.False(one.IsCompleted);
        first.SetResult();

        Assert.Equal(["[\"first\"]", "[\"x\"]"], Acks(await one));
        Assert.Equal(["[\"second\"]"], Acks(two));
        Assert.Equal(2, client.SentOverLink);
        Assert.Equal(2, server.BatchesHandled);
    }

    [Fact]
    public async Task Batches_of_every_size_sent_at_once_each_go_whole_and_get_their_own_answer()
    {
        // The gateway reuses one frame buffer per connection, and drops it after a batch larger than it keeps: frames
        // written one after another through it, small, large and small again, must each go whole.
        var (server, endpoint) = Listen(batch => Task.FromResult(Echo(batch)));
        var client = Client(() => Task.FromResult<string?>(endpoint.ToString()));
        var sizes = Enumerable.Range(0, 40).Select(i => i % 13 == 5 ? 70_000 + i : 1 + i * 37).ToArray();

        var sent = sizes.Select(size => client.SendAsync(Batch(new string('e', size), $"{size}"))).ToArray();
        var answers = await Task.WhenAll(sent);

        for (var i = 0; i < sizes.Length; i++)
            Assert.Equal([$"[\"{new string('e', sizes[i])}\"]", $"[\"{sizes[i]}\"]"], Acks(answers[i]));
        Assert.Equal(sizes.Length, server.BatchesHandled);
        Assert.Equal(["[\"after\"]"], Acks(await client.SendAsync(Batch("after"))));
    }

    [Fact]
    public async Task A_handler_that_throws_fails_each_event_of_its_batch_and_the_link_goes_on()
    {
        var (_, endpoint) = Listen(batch => batch.Events[0].Event == "bad" ? throw new InvalidOperationException("boom") : Task.FromResult(Echo(batch)));
        var client = Client(() => Task.FromResult<string?>(endpoint.ToString()));

        var failed = await client.SendAsync(Batch("bad", "y"));
        Assert.Equal(2, failed.Errors!.Length);
        Assert.All(failed.Errors, e => Assert.Contains("boom", e!.Message));
        Assert.Equal(["[\"ok\"]"], Acks(await client.SendAsync(Batch("ok"))));
    }

    [Fact]
    public async Task A_connection_runs_at_most_MaxBatchesInFlight_batches_and_reads_the_next_when_one_is_answered()
    {
        var release = new SemaphoreSlim(0);
        var started = 0;
        var (server, endpoint) = Listen(async batch =>
        {
            Interlocked.Increment(ref started);
            await release.WaitAsync();
            return Echo(batch);
        }, new EventLinkOptions { Enabled = true, MaxBatchesInFlight = 2 });
        var client = Client(() => Task.FromResult<string?>(endpoint.ToString()));

        var sent = Enumerable.Range(0, 3).Select(i => client.SendAsync(Batch($"e{i}"))).ToArray();
        await Until(() => server.BatchesWaiting == 1, "the third batch waits for a slot");
        Assert.Equal(2, Volatile.Read(ref started));

        release.Release();
        await Until(() => Volatile.Read(ref started) == 3, "the third batch runs once one is answered");
        release.Release(2);
        await Task.WhenAll(sent);
        Assert.Equal(0, server.BatchesWaiting);
    }

    [Fact]
    public async Task A_frame_over_MaxFrameBytes_closes_that_peer_with_one_log_line_and_the_others_go_on()
    {
        var small = Frame(1, Batch("a")).Length - EventLinkFrames.HeaderBytes;
        var (_, endpoint) = Listen(batch => Task.FromResult(Echo(batch)), new EventLinkOptions { Enabled = true, MaxFrameBytes = (int)small });
        var client = Client(() => Task.FromResult<string?>(endpoint.ToString()));
        Assert.Equal(["[\"a\"]"], Acks(await client.SendAsync(Batch("a")))); // at the bound: read

        using var hostile = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await hostile.ConnectAsync(endpoint);
        await hostile.SendAsync(Frame(2, Batch("ab")).ToArray()); // one byte over it
        Assert.Equal(0, await hostile.ReceiveAsync(new byte[16])); // closed by the silo

        Assert.Single(_logs.Entries, e => e.Message.Contains("MaxFrameBytes"));
        Assert.Equal(["[\"b\"]"], Acks(await client.SendAsync(Batch("b"))));
    }

    [Fact]
    public async Task Bytes_that_are_not_a_batch_close_that_peer_only()
    {
        var (_, endpoint) = Listen(batch => Task.FromResult(Echo(batch)));
        using var hostile = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await hostile.ConnectAsync(endpoint);
        byte[] garbage = [4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFE, 0xFD, 0xFC];
        await hostile.SendAsync(garbage);

        Assert.Equal(0, await hostile.ReceiveAsync(new byte[16]));
        Assert.Single(_logs.Entries, e => e.Message.Contains("not a batch"));
    }

    [Fact]
    public async Task Connections_over_MaxConnections_are_closed_as_they_come()
    {
        var (server, endpoint) = Listen(batch => Task.FromResult(Echo(batch)), new EventLinkOptions { Enabled = true, MaxConnections = 1 });
        var client = Client(() => Task.FromResult<string?>(endpoint.ToString()));
        await client.SendAsync(Batch("a"));

        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await second.ConnectAsync(endpoint);
        Assert.Equal(0, await second.ReceiveAsync(new byte[16]));
        Assert.Equal(1, server.Connections);
        Assert.Single(_logs.Entries, e => e.Message.Contains("MaxConnections"));
    }

    [Fact]
    public async Task Without_a_link_batches_go_by_grain_call_and_the_link_is_asked_again_after_the_retry_delay()
    {
        var time = new FakeTimeProvider();
        var (_, endpoint) = Listen(batch => Task.FromResult(Echo(batch)));
        string? offered = null;
        var asked = 0;
        var byGrainCall = 0;
        var client = Client(() => { asked++; return Task.FromResult(offered); },
            batch => { byGrainCall++; return Task.FromResult(Echo(batch)); },
            new EventBatchingOptions { EventLinkRetryDelay = TimeSpan.FromSeconds(5) }, time);

        Assert.Equal(["[\"a\"]"], Acks(await client.SendAsync(Batch("a"))));
        offered = endpoint.ToString(); // a silo offers one from now on
        time.Advance(TimeSpan.FromSeconds(4.9));
        await client.SendAsync(Batch("b"));
        Assert.Equal((1, 2, 0L), (asked, byGrainCall, client.SentOverLink));

        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(["[\"c\"]"], Acks(await client.SendAsync(Batch("c"))));
        Assert.Equal((2, 2, 1L), (asked, byGrainCall, client.SentOverLink));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task A_link_that_cannot_be_connected_sends_by_grain_call_and_logs_the_refusal_once()
    {
        var time = new FakeTimeProvider();
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // bound, not listening: connections are refused
        var byGrainCall = 0;
        var client = Client(() => Task.FromResult<string?>(closed.LocalEndPoint!.ToString()),
            batch => { byGrainCall++; return Task.FromResult(Echo(batch)); }, time: time);

        Assert.Equal(["[\"a\"]"], Acks(await client.SendAsync(Batch("a"))));
        await client.SendAsync(Batch("b"));
        Assert.Equal(2, byGrainCall);
        time.Advance(TimeSpan.FromSeconds(5)); // tried again, refused again: not logged again
        await client.SendAsync(Batch("c"));
        Assert.Equal(3, byGrainCall);
        Assert.False(client.IsConnected);
        Assert.Single(_logs.Entries, e => e.Message.Contains("not connected"));
    }

    [Fact]
    public async Task A_closed_connection_fails_its_batches_in_flight_and_the_next_batch_connects_again()
    {
        var (first, firstEndpoint) = Listen(_ => new TaskCompletionSource<EventBatchResult>().Task); // never answers
        var (_, secondEndpoint) = Listen(batch => Task.FromResult(Echo(batch)));
        var endpoint = firstEndpoint;
        var client = Client(() => Task.FromResult<string?>(endpoint.ToString()));

        var inFlight = client.SendAsync(Batch("lost"));
        await Until(() => first.Connections == 1, "the first silo has the connection");
        endpoint = secondEndpoint;
        await first.DisposeAsync(); // the silo goes

        await Assert.ThrowsAsync<IOException>(() => inFlight);
        Assert.Equal(["[\"next\"]"], Acks(await client.SendAsync(Batch("next"))));
    }

    [Fact]
    public async Task An_answer_over_MaxAnswerBytes_closes_the_link_and_one_at_the_bound_is_read()
    {
        var answer = Echo(Batch("a"));
        var writer = new ArrayBufferWriter<byte>();
        EventLinkFrames.Write(writer, Serializer, 1, answer);
        var answerBytes = writer.WrittenCount - EventLinkFrames.HeaderBytes;
        var (_, endpoint) = Listen(batch => Task.FromResult(Echo(batch)));

        var atBound = Client(() => Task.FromResult<string?>(endpoint.ToString()), options: new EventBatchingOptions { MaxAnswerBytes = answerBytes });
        Assert.Equal(["[\"a\"]"], Acks(await atBound.SendAsync(Batch("a"))));

        var under = Client(() => Task.FromResult<string?>(endpoint.ToString()), options: new EventBatchingOptions { MaxAnswerBytes = answerBytes - 1 });
        var error = await Assert.ThrowsAsync<IOException>(() => under.SendAsync(Batch("a")));
        Assert.Contains("MaxAnswerBytes", error.Message);
    }

    [Fact]
    public async Task An_answer_that_cannot_be_sent_ends_its_connection_whatever_its_reader_waits_for()
    {
        var (accepted, peer) = await LoopbackTcp.PairAsync();
        using var connecting = peer;
        var slots = new SemaphoreSlim(0, 1); // the reader waits for this slot
        using var closing = new CancellationTokenSource();
        var writer = new EventLinkAnswerWriter(accepted, slots, closing);
        var waiting = slots.WaitAsync(closing.Token);

        accepted.Dispose(); // the send fails
        writer.Write(Frame(1, Batch("a")).ToArray());

        Assert.True(closing.IsCancellationRequested);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, slots.CurrentCount); // no slot freed for an answer not sent
    }

    [Fact]
    public async Task An_answer_whose_send_fails_after_its_connection_ended_is_dropped_quietly()
    {
        // The connection's end disposes its cancellation source; a batch that finishes meanwhile still writes.
        var (accepted, peer) = await LoopbackTcp.PairAsync();
        using var connecting = peer;
        var slots = new SemaphoreSlim(0, 1);
        var closing = new CancellationTokenSource();
        var writer = new EventLinkAnswerWriter(accepted, slots, closing);
        closing.Dispose();
        accepted.Dispose();

        writer.Write(Frame(1, Batch("a")).ToArray()); // must not throw

        Assert.Equal(0, slots.CurrentCount);
    }
}
