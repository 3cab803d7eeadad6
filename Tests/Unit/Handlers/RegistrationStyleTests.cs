using System.Text.Json;

namespace OrleansSocket.Tests.Handlers;

public record Payload(string Text, int Count);

public record MyData(string Data);

public class StyleHandlers
{
    // (a) attribute naming the event, arguments bound positionally.
    [On("custom_event1")]
    public Task Handle(ISocket socket, string arg1, int arg2, Payload arg3) =>
        socket.EmitAsync("got", arg1, arg2, arg3.Text, arg3.Count);

    // (b) attribute without a name: OnMyEvent → my_event.
    [On]
    public Task OnMyEvent(ISocket socket, string value) => socket.EmitAsync("my_event seen", value);

    // The snake_case name is what this case tests (the event is the method's name as it is).
#pragma warning disable IDE1006
    [On]
    public Task on_python_style(ISocket socket) => socket.EmitAsync("python_style seen");
#pragma warning restore IDE1006

    // Not an [On] method: never an event, whatever its name.
    public Task OnIgnored(ISocket socket) => socket.EmitAsync("should not happen");
}

public class RegistrationStyleTests
{
    [Fact]
    public async Task Attribute_with_event_name_binds_arguments_positionally()
    {
        var host = TestHost.Create(io => io.AddHandlers<StyleHandlers>());
        var socket = new FakeSocket();

        await host.Dispatch(socket, "custom_event1", "hello", 42, new Payload("t", 7));

        var (name, args) = Assert.Single(socket.Emitted);
        Assert.Equal("got", name);
        Assert.Equal(new object?[] { "hello", 42, "t", 7 }, args);
        Assert.Empty(host.Errors);
    }

    [Fact]
    public async Task Attribute_without_name_uses_the_method_name_rule()
    {
        var host = TestHost.Create(io => io.AddHandlers<StyleHandlers>());
        var socket = new FakeSocket();

        await host.Dispatch(socket, "my_event", "x");
        await host.Dispatch(socket, "python_style");
        await host.Dispatch(socket, "ignored");

        Assert.Equal(["my_event seen", "python_style seen"], socket.Emitted.Select(e => e.Event));
    }

    [Fact]
    public async Task Code_registration_with_lambda_in_a_namespace()
    {
        var host = TestHost.Create(io => io
            .On("my event", async (ISocket s, MyData d) => await s.EmitAsync("my response", d), ns: "/test"));
        var socket = new FakeSocket("/test");

        await host.Dispatch(socket, "my event", new { data = "hi" });

        var (name, args) = Assert.Single(socket.Emitted);
        Assert.Equal("my response", name);
        Assert.Equal(new MyData("hi"), Assert.Single(args));
        Assert.True(host.Registry.HasNamespace("/test"));
    }

    [Fact]
    public async Task Code_registration_is_per_namespace()
    {
        var host = TestHost.Create(io => io.On("ping", (ISocket s) => s.EmitAsync("pong"), ns: "/test"));
        var other = new FakeSocket("/");

        var ack = await host.Dispatch(other, "ping");

        Assert.Null(ack);
        Assert.Empty(other.Emitted);
    }

    [Fact]
    public async Task Method_group_and_static_lambda_work()
    {
        var host = TestHost.Create(io => io
            .On("static", static (string s) => s.ToUpperInvariant())
            .On("group", Twice));

        Assert.Equal("""["ABC"]""", TestHost.Json(await host.Dispatch(new FakeSocket(), "static", "abc")));
        Assert.Equal("[8]", TestHost.Json(await host.Dispatch(new FakeSocket(), "group", 4)));
    }

    private static int Twice(int value) => value * 2;

    [Fact]
    public async Task Registrations_accumulate_over_several_AddSocketIOHandlers_calls()
    {
        var host = TestHost.Create(io => io.On("a", () => 1), services => services
            .AddSocketIOHandlers(io => io.On("b", () => 2)));

        Assert.Equal("[1]", TestHost.Json(await host.Dispatch(new FakeSocket(), "a")));
        Assert.Equal("[2]", TestHost.Json(await host.Dispatch(new FakeSocket(), "b")));
    }

    [Fact]
    public void Second_handler_for_the_same_event_is_refused_at_registration()
    {
        var e = Assert.Throws<InvalidOperationException>(() => TestHost.Create(io => io
            .On("x", () => 1)
            .On("x", () => 2)));
        Assert.Contains("'x'", e.Message);
    }

    [Fact]
    public void Async_void_handler_is_refused_at_registration()
    {
        Assert.Throws<ArgumentException>(() => TestHost.Create(io => io.On("x", AsyncVoid)));
    }

    private static async void AsyncVoid() => await Task.Yield();

    [Fact]
    public void Handler_class_without_handler_methods_is_refused()
    {
        Assert.Throws<ArgumentException>(() => TestHost.Create(io => io.AddHandlers<MyData>()));
    }

    [Fact]
    public async Task On_connect_in_code_is_the_connect_handler()
    {
        var connected = false;
        var host = TestHost.Create(io => io.On("connect", (ISocket s) => connected = true));

        var result = await host.Registry.Connect(new FakeSocket(), host.Services);

        Assert.True(result.Accepted);
        Assert.True(connected);
    }

    [Fact]
    public async Task JsonElement_args_reach_lambda()
    {
        JsonElement? seen = null;
        var host = TestHost.Create(io => io.On("raw", (JsonElement e) => { seen = e; }));

        await host.DispatchRaw(new FakeSocket(), "raw", """[{"a":[1,2]}]""");

        Assert.Equal(2, seen!.Value.GetProperty("a").GetArrayLength());
    }
}
