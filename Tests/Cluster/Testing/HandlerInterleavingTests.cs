using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using OrleansSocket.Grains.Sockets;
using OrleansSocket.Testing;

namespace OrleansSocket.Tests.Testing;

/// <summary>
/// Handlers of one socket start in order; one that waits on something outside the socket (a client's ack, I/O) does
/// not hold up the next event, and its ack follows when it is done; one that only awaits the socket's own operations
/// finishes before the next starts. <see cref="IAck"/>: no automatic answer, an answer later from another handler.
/// </summary>
public sealed class HandlerInterleavingTests(InterleavingServerFixture fixture)
    : HandlerInterleavingSpecification(fixture), IClassFixture<InterleavingServerFixture>;

/// <summary>
/// The same, with the gateway's batches sent over the silo's event link (<c>SocketIO:EventLink</c>, a thin gateway's
/// <c>SocketIO:EventBatching:Transport</c> <c>EventLink</c>): a TCP connection to the silo instead of a grain call per batch.
/// </summary>
public sealed class LinkedHandlerInterleavingTests(LinkedInterleavingServerFixture fixture)
    : HandlerInterleavingSpecification(fixture), IClassFixture<LinkedInterleavingServerFixture>
{
    [Fact]
    public async Task The_gateway_sent_the_events_over_the_silos_event_link_without_a_grain_call()
    {
        await using var client = await Server.ConnectAsync();
        var link = Server.GatewayServers[0].EventLink;
        Assert.NotNull(link);
        var listener = Server.Services.GetRequiredService<EventLinkListener>().Server;
        Assert.NotNull(listener);
        var (sent, handled) = (link.SentOverLink, listener.BatchesHandled);

        Assert.Equal(42, (await client.EmitWithAckAsync("compute", 20)).Arg<int>(0));
        Assert.True(link.IsConnected);
        Assert.True(link.SentOverLink > sent);
        Assert.True(listener.BatchesHandled > handled);
    }
}

/// <summary>
/// The same, with the gateway's events sent to the silo in batches (a thin gateway's <c>SocketIO:EventBatching</c>):
/// a batch returns when each of its events' calls has returned, so a handler that waits holds up neither its socket's
/// next event nor another socket's.
/// </summary>
public sealed class BatchedHandlerInterleavingTests(BatchedInterleavingServerFixture fixture)
    : HandlerInterleavingSpecification(fixture), IClassFixture<BatchedInterleavingServerFixture>
{
    [Fact]
    public async Task The_gateway_sent_the_events_in_batches()
    {
        await using var client = await Server.ConnectAsync();
        var batcher = Server.GatewayServers[0].Batcher;
        Assert.NotNull(batcher);
        var before = batcher.BatchesSent;
        Assert.Equal(42, (await client.EmitWithAckAsync("compute", 20)).Arg<int>(0));
        Assert.True(batcher.BatchesSent > before);
    }

    [Fact]
    public async Task A_handler_that_waits_does_not_hold_up_another_sockets_event_in_the_same_batch()
    {
        await using var waiting = await Server.ConnectAsync();
        await using var other = await Server.ConnectAsync();
        var gate = InterleavingServerFixture.Gate(waiting.Id);

        var first = waiting.EmitWithAckAsync("wait_io", waiting.Id);
        var second = await other.EmitWithAckAsync("compute", 1);

        Assert.Equal(23, second.Arg<int>(0));
        Assert.False(first.IsCompleted);
        gate.SetResult("done");
        Assert.Equal("done", (await first).Arg<string>(0));
    }
}

/// <summary>The tests of <see cref="HandlerInterleavingTests"/>, on a server with or without event batches.</summary>
public abstract class HandlerInterleavingSpecification(InterleavingServerFixture fixture)
{
    protected SocketIOTestServer Server => fixture.Server;

    [Fact]
    public async Task Events_of_many_sockets_sent_at_once_keep_each_sockets_order()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Server.ConnectAsync()));
        try
        {
            // Every socket's five events at once: they meet in the same batches, and each socket's must run in order.
            await Task.WhenAll(clients.SelectMany(c => Enumerable.Range(0, 5).Select(i => c.EmitAsync("steps", i))));
            foreach (var client in clients)
            {
                var log = (await client.EmitWithAckAsync("steps_log")).Arg<string[]>(0)!;
                Assert.Equal(Enumerable.Range(0, 5).SelectMany(i => new[] { $"{i} start", $"{i} end" }), log);
            }
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Handler_awaiting_io_does_not_delay_the_next_event_and_acks_when_done()
    {
        await using var client = await Server.ConnectAsync();
        var gate = InterleavingServerFixture.Gate(client.Id);

        var first = client.EmitWithAckAsync("wait_io", client.Id);
        var second = await client.EmitWithAckAsync("compute", 20);

        Assert.Equal(42, second.Arg<int>(0));
        Assert.False(first.IsCompleted); // the first handler still waits on its I/O
        gate.SetResult("io done");
        Assert.Equal("io done", (await first).Arg<string>(0));
    }

    [Fact]
    public async Task Handler_awaiting_an_unanswered_client_ack_does_not_delay_the_next_event()
    {
        await using var client = await Server.ConnectAsync();
        client.OnServerAck = e => e.Event == "question" ? null : []; // the client never answers the question

        var first = client.EmitWithAckAsync("ask", 60_000);
        var second = await client.EmitWithAckAsync("compute", 1);

        // The question went out before the handler yielded, so before the next event's ack (Node writes it at once).
        Assert.Contains(client.GetReceived(), e => e.Event == "question");
        Assert.Equal(23, second.Arg<int>(0));
        Assert.False(first.IsCompleted);
        await Assert.ThrowsAsync<TimeoutException>(() => first); // still unanswered when the test client gives up
    }

    [Fact]
    public async Task Handlers_that_await_only_the_sockets_own_operations_run_one_after_another()
    {
        await using var client = await Server.ConnectAsync();

        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => client.EmitAsync("steps", i)));

        var steps = client.GetReceived().Where(e => e.Event == "step").Select(e => e.Arg<string>(0)!).ToArray();
        Assert.Equal(Enumerable.Range(0, 5).SelectMany(i => new[] { $"{i}a", $"{i}b" }), steps);
        var log = (await client.EmitWithAckAsync("steps_log")).Arg<string[]>(0)!;
        Assert.Equal(Enumerable.Range(0, 5).SelectMany(i => new[] { $"{i} start", $"{i} end" }), log);
    }

    [Fact]
    public async Task Handler_with_an_ack_parameter_can_answer_later_from_another_handler()
    {
        await using var client = await Server.ConnectAsync();

        var kept = client.EmitWithAckAsync("keep_ack");
        var released = await client.EmitWithAckAsync("release_ack", "late", 7);

        Assert.True(released.Arg<bool>(0)); // the kept ack was requested and not sent yet
        var answer = await kept;
        Assert.Equal("late", answer.Arg<string>(0));
        Assert.Equal(7, answer.Arg<int>(1));
    }

    [Fact]
    public async Task Handler_with_an_ack_parameter_that_does_not_send_leaves_the_ack_unanswered()
    {
        await using var client = await Server.ConnectAsync();

        await Assert.ThrowsAsync<TimeoutException>(() => client.EmitWithAckAsync("decline_ack"));
        // The return value was not sent either: the next ack is the next event's.
        Assert.Equal(3, (await client.EmitWithAckAsync("compute", -19)).Arg<int>(0));
    }

    [Fact]
    public async Task Ack_sent_before_the_handler_returns_is_the_answer_and_only_the_first_counts()
    {
        await using var client = await Server.ConnectAsync();

        var answer = await client.EmitWithAckAsync("ack_twice", new { bytes = new byte[] { 1, 2, 3 } });

        Assert.Equal("first", answer.Arg<string>(0));
        Assert.Equal(new byte[] { 1, 2, 3 }, answer.Arg<Blob>(1)!.Bytes);
    }

    [Fact]
    public async Task Ack_parameter_of_an_event_sent_without_ack_is_not_requested()
    {
        await using var client = await Server.ConnectAsync();

        await client.EmitAsync("ack_requested");

        Assert.False((await client.WaitForAsync("requested")).Arg<bool>(0));
        Assert.Equal("sent", (await client.EmitWithAckAsync("ack_requested")).Arg<string>(0));
        Assert.True((await client.WaitForAsync("requested")).Arg<bool>(0));
    }

    public sealed record Blob(byte[] Bytes);
}

public class InterleavingServerFixture : IAsyncLifetime
{
    /// <summary>Whether the test gateway sends events in batches.</summary>
    protected virtual bool BatchEvents => false;

    /// <summary>Whether the batches go over the silo's event link.</summary>
    protected virtual bool EventLink => false;

    private static readonly ConcurrentDictionary<string, TaskCompletionSource<string>> Gates = new();

    public SocketIOTestServer Server { get; private set; } = null!;

    /// <summary>Stands for I/O the handler awaits; the test completes it.</summary>
    public static TaskCompletionSource<string> Gate(string key) =>
        Gates.GetOrAdd(key, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async Task InitializeAsync() => Server = await SocketIOTestServer.StartAsync(Register,
        options: new SocketIOTestServerOptions { Timeout = TimeSpan.FromSeconds(2), BatchEvents = BatchEvents, EventLink = EventLink });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    private static void Register(ISocketIOBuilder io)
    {
        io.On("wait_io", async (string key) => await Gate(key).Task);
        io.On("compute", (int n) => n + 22);
        io.On("ask", async (ISocket socket, int timeoutMs) =>
            (await socket.EmitWithAckAsync("question", TimeSpan.FromMilliseconds(timeoutMs), "sure?")).Args.Length);
        io.On("steps", async (ISocket socket, int n) =>
        {
            if (!socket.Session.TryGetValue("steps", out var value)) socket.Session["steps"] = value = new List<string>();
            var log = (List<string>)value!;
            log.Add($"{n} start");
            await socket.EmitAsync("step", $"{n}a");
            await socket.JoinAsync($"room-{n}");
            await socket.Server.To($"room-{n}").EmitAsync("broadcast", n);
            await socket.Server.In($"room-{n}").CountAsync();
            await socket.EmitAsync("step", $"{n}b");
            log.Add($"{n} end");
        });
        io.On("steps_log", (ISocket socket) => socket.Session["steps"]);
        io.On("keep_ack", (ISocket socket, IAck ack) =>
        {
            socket.Session["kept"] = ack;
            return "not sent: the handler took the ack";
        });
        io.On("release_ack", async (ISocket socket, string text, int n) =>
        {
            var kept = (IAck)socket.Session["kept"]!;
            var waiting = kept.Requested && !kept.Sent;
            await kept.SendAsync(text, n);
            return waiting;
        });
        io.On("decline_ack", (IAck ack) => "not sent");
        io.On("ack_twice", async (IAck ack, Dictionary<string, byte[]> data) =>
        {
            await ack.SendAsync("first", new { bytes = data["bytes"] });
            await ack.SendAsync("second");
        });
        io.On("ack_requested", async (ISocket socket, IAck ack) =>
        {
            await socket.EmitAsync("requested", ack.Requested);
            await ack.SendAsync("sent"); // nothing when the client did not ask
        });
    }
}

/// <summary>The interleaving server with its gateway's batches sent over the silo's event link.</summary>
public sealed class LinkedInterleavingServerFixture : InterleavingServerFixture
{
    protected override bool BatchEvents => true;

    protected override bool EventLink => true;
}

/// <summary>The interleaving server with its gateway's events sent in batches.</summary>
public sealed class BatchedInterleavingServerFixture : InterleavingServerFixture
{
    protected override bool BatchEvents => true;
}
