using Microsoft.Extensions.Logging;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Tests.Handlers;

public class ErrorHandlingTests
{
    [Theory]
    [InlineData("""["a", 1, "extra"]""", "takes 2 argument")]
    [InlineData("""["a"]""", "needs a value for parameter 'n'")]
    [InlineData("""["a", "not a number"]""", "parameter 'n'")]
    [InlineData("""[null, 1]""", "not nullable")]
    [InlineData("""[{"an":"object"}, 1]""", "parameter 's'")]
    public async Task Arguments_that_do_not_bind_go_to_the_error_handler_without_ack(string argsJson, string messagePart)
    {
        var called = false;
        var host = TestHost.Create(io => io.On("e", (string s, int n) => { called = true; }));

        var ack = await host.DispatchRaw(new FakeSocket(), "e", argsJson);

        Assert.Null(ack);
        Assert.False(called);
        var (_, error, eventName) = Assert.Single(host.Errors);
        Assert.Equal("e", eventName);
        var binding = Assert.IsType<SocketIOBindingException>(error);
        Assert.Contains(messagePart, binding.Message);
    }

    [Fact]
    public async Task Handler_exception_goes_to_the_namespace_error_handler_not_the_default()
    {
        var nsErrors = new List<(Exception, string)>();
        var host = TestHost.Create(io => io
            .On("boom", (ISocket s) => { throw new InvalidOperationException("bad"); }, ns: "/chat")
            .OnError((s, e, ev) => { nsErrors.Add((e, ev)); return Task.CompletedTask; }, ns: "/chat"));

        var ack = await host.Dispatch(new FakeSocket("/chat"), "boom");

        Assert.Null(ack);
        var (error, eventName) = Assert.Single(nsErrors);
        Assert.Equal("boom", eventName);
        Assert.Equal("bad", Assert.IsType<InvalidOperationException>(error).Message);
        Assert.Empty(host.Errors); // the default handler was not used
    }

    [Fact]
    public async Task Async_handler_exception_goes_to_the_default_error_handler()
    {
        var host = TestHost.Create(io => io.On("boom", async () =>
        {
            await Task.Yield();
            throw new TimeoutException("late");
        }));

        var ack = await host.Dispatch(new FakeSocket(), "boom");

        Assert.Null(ack);
        var (ns, error, eventName) = Assert.Single(host.Errors);
        Assert.Equal(("/", "boom"), (ns, eventName));
        Assert.IsType<TimeoutException>(error);
    }

    [Fact]
    public async Task Error_handler_of_another_namespace_is_not_used()
    {
        var chatErrors = 0;
        var host = TestHost.Create(io => io
            .On("boom", () => { throw new InvalidOperationException(); })
            .OnError((s, e, ev) => { chatErrors++; return Task.CompletedTask; }, ns: "/chat"));

        await host.Dispatch(new FakeSocket("/"), "boom");

        Assert.Equal(0, chatErrors);
        Assert.Single(host.Errors);
    }

    [Fact]
    public async Task Without_error_handlers_the_failure_is_logged_and_not_thrown()
    {
        var logger = new ListLogger();
        var registry = SocketIOHandlerRegistry.Create(io => io.On("boom", () => { throw new InvalidOperationException("bad"); }), logger);

        var ack = await registry.Dispatch(new FakeSocket(), TestHost.Event("boom"), new EmptyServices());

        Assert.Null(ack);
        var entry = Assert.Single(logger.Entries, e => e.Level == LogLevel.Error);
        Assert.IsType<InvalidOperationException>(entry.Exception);
        Assert.Contains("boom", entry.Message);
    }

    [Fact]
    public async Task Arguments_that_do_not_bind_are_logged_at_debug_in_one_line_without_the_exception()
    {
        var logger = new ListLogger();
        var registry = SocketIOHandlerRegistry.Create(io => io.On("room message", (Message message) => message.Text), logger);

        var ack = await registry.Dispatch(new FakeSocket(), TestHost.Event("room message", 42), new EmptyServices());

        Assert.Null(ack);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Null(entry.Exception);
        Assert.DoesNotContain('\n', entry.Message);
        Assert.Contains("room message", entry.Message);
        Assert.Contains("'message'", entry.Message);
    }

    [Fact]
    public async Task Arguments_that_do_not_bind_still_reach_the_error_handler()
    {
        var host = TestHost.Create(io => io.On("room message", (Message message) => message.Text));

        await host.Dispatch(new FakeSocket(), "room message", 42);

        var (_, error, eventName) = Assert.Single(host.Errors);
        Assert.IsType<SocketIOBindingException>(error);
        Assert.Equal("room message", eventName);
    }

    private sealed record Message(string Room, string Text);

    [Fact]
    public async Task Error_handler_that_throws_is_logged_and_not_thrown()
    {
        var logger = new ListLogger();
        var registry = SocketIOHandlerRegistry.Create(io => io
            .On("boom", () => { throw new InvalidOperationException("bad"); })
            .OnErrorDefault((s, e, ev) => throw new NotSupportedException("worse")), logger);

        var ack = await registry.Dispatch(new FakeSocket(), TestHost.Event("boom"), new EmptyServices());

        Assert.Null(ack);
        Assert.IsType<NotSupportedException>(Assert.Single(logger.Entries, e => e.Level == LogLevel.Error).Exception);
    }

    [Fact]
    public async Task Malformed_payload_goes_to_the_error_handler()
    {
        var host = TestHost.Create(io => io.On("e", () => 1));

        var ack = await host.DispatchRaw(new FakeSocket(), "e", """{"not":"an array"}""");

        Assert.Null(ack);
        Assert.Single(host.Errors);
    }

    [Fact]
    public async Task Error_handler_for_all_namespaces()
    {
        var seen = new List<string>();
        var host = TestHost.Create(io => io
            .On("boom", () => { throw new InvalidOperationException(); }, ns: "/a")
            .OnError((s, e, ev) => { seen.Add(s.Namespace); return Task.CompletedTask; }, ns: "*"));

        await host.Dispatch(new FakeSocket("/a"), "boom");

        Assert.Equal(["/a"], seen);
        Assert.Empty(host.Errors);
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
