using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Tests.Handlers;

/// <summary>
/// Which handlers may run off their socket grain's turn, on the thread that read the event
/// (<see cref="SocketIOHandlerRegistry.DetachedHandler"/>): only the namespace's own handler, with no packet middleware
/// before it, that reads nothing of the socket and nothing from DI; and how such a run answers and reports failures
/// (<see cref="SocketIOHandlerRegistry.DispatchDetached"/>).
/// </summary>
public sealed class DetachedHandlerTests
{
    public sealed class Clock;

    public sealed class SocketReader : SocketIOHandler
    {
        [On("reader")]
        public string Id() => Socket.Id;
    }

    public sealed class PlainHandlers
    {
        [On("plain")]
        public int Twice(int n) => 2 * n;

        [On("static")]
        public static int Thrice(int n) => 3 * n;
    }

    private static TestHost Host(Action<ISocketIOBuilder>? more = null) => TestHost.Create(io =>
    {
        io.On("payload", (SocketPayload args) => args)
            .On("typed", (string text, int n) => text + n)
            .On("async", async (int n) =>
            {
                await Task.Yield();
                return n;
            })
            .On("cancellable", (int n, CancellationToken cancellation) => n)
            .On("socket", (ISocket socket) => socket.Id)
            .On("ack", (IAck ack) => ack.SendAsync(1))
            .On("provider", (IServiceProvider services) => 1)
            .On("service", ([FromServices] Clock clock) => 1)
            .On("authorized", [Authorize] () => 1)
            .On("other-namespace", (int n) => n, "/other")
            .On("wild", (int n) => n, "*")
            .AddHandlers<SocketReader>()
            .AddHandlers<PlainHandlers>();
        more?.Invoke(io);
    }, services => services.AddSingleton<Clock>().AddAuthorization());

    [Theory]
    [InlineData("payload")]
    [InlineData("typed")]
    [InlineData("async")]
    [InlineData("cancellable")]
    [InlineData("plain")] // an instance of a class without dependencies, made per call
    [InlineData("static")]
    public void A_handler_that_reads_nothing_of_its_socket_may_run_detached(string eventName) =>
        Assert.NotNull(Host().Registry.DetachedHandler("/", eventName));

    [Theory]
    [InlineData("socket")]
    [InlineData("ack")]
    [InlineData("provider")]
    [InlineData("service")]
    [InlineData("authorized")]
    [InlineData("reader")] // a SocketIOHandler class reads its Socket
    [InlineData("wild")] // the "*" namespace's handler: found through the wildcard, on the turn
    [InlineData("missing")]
    public void A_handler_that_reads_the_socket_or_DI_runs_on_the_turn(string eventName) =>
        Assert.Null(Host().Registry.DetachedHandler("/", eventName));

    [Fact]
    public void Packet_middleware_keeps_every_event_of_its_namespace_on_the_turn()
    {
        var host = Host(io => io.UsePacket((_, _, _, next) => next(), "/other"));

        Assert.NotNull(host.Registry.DetachedHandler("/", "typed"));
        Assert.Null(host.Registry.DetachedHandler("/other", "other-namespace"));
    }

    [Fact]
    public async Task A_detached_run_answers_as_the_dispatch_does()
    {
        var host = Host();
        var socket = new FakeSocket();
        var ev = new ClientEvent("typed", new SocketPayload("""["x",2]"""u8.ToArray(), null), WantsAck: true);

        var run = host.Registry.DispatchDetached(host.Registry.DetachedHandler("/", "typed")!, socket, ev, host.Services,
            (_, e, _) => Assert.Fail(e.Message));

        Assert.True(run.IsCompletedSuccessfully);
        Assert.Equal(TestHost.Json(await host.Registry.Dispatch(socket, ev, host.Services)), TestHost.Json(await run));
        Assert.Equal("""["x2"]""", TestHost.Json(await run));
        Assert.Null(await host.Registry.DispatchDetached(host.Registry.DetachedHandler("/", "typed")!, socket, ev with { WantsAck = false },
            host.Services, (_, e, _) => Assert.Fail(e.Message)));
    }

    [Fact]
    public async Task A_detached_failure_is_handed_to_the_reporter_not_to_the_error_handlers_and_gives_no_answer()
    {
        var host = Host();
        var socket = new FakeSocket();
        var ev = new ClientEvent("typed", new SocketPayload("""["x","not a number"]"""u8.ToArray(), null), WantsAck: true);
        var reported = new List<(ISocket Socket, Exception Error, string Event)>();

        var answer = await host.Registry.DispatchDetached(host.Registry.DetachedHandler("/", "typed")!, socket, ev, host.Services,
            (s, e, name) => reported.Add((s, e, name)));

        Assert.Null(answer);
        var (reportedSocket, error, eventName) = Assert.Single(reported);
        Assert.Same(socket, reportedSocket);
        Assert.IsType<SocketIOBindingException>(error);
        Assert.Equal("typed", eventName);
        Assert.Empty(host.Errors); // the reporter runs them, on the turn

        await host.Registry.ReportErrorAsync(socket, error, eventName);
        Assert.Equal(("/", "typed"), (Assert.Single(host.Errors).Namespace, host.Errors[0].Event));
    }
}
