using Microsoft.Extensions.DependencyInjection;

namespace OrleansSocket.Tests.Handlers;

public sealed class Counter
{
    public int Instances;
    public int Disposed;
}

public sealed class GreetingHandlers : SocketIOHandler, IDisposable
{
    private readonly Counter _counter;
    private int _calls;

    public GreetingHandlers(Counter counter)
    {
        _counter = counter;
        counter.Instances++;
    }

    [On("greet")]
    public async Task Greet(string name)
    {
        _calls++;
        await Socket.EmitAsync("greeting", $"hello {name}", _calls);
    }

    [On("admin_only", Namespace = "/admin")]
    public string Admin() => "admin";

    [On]
    public static int StaticAdd(int a, int b) => a + b;

    [OnConnect]
    public void Connected() => Socket.Session["greeted"] = true;

    [OnDisconnect]
    public void Gone(string reason) => Socket.Session["reason"] = reason;

    public void Dispose() => _counter.Disposed++;
}

public class HandlerClassTests
{
    private static (TestHost Host, Counter Counter) Create()
    {
        var counter = new Counter();
        return (TestHost.Create(io => io.AddHandlers<GreetingHandlers>(), s => s.AddSingleton(counter)), counter);
    }

    [Fact]
    public async Task Instance_per_invocation_with_constructor_injection_and_Socket_set()
    {
        var (host, counter) = Create();
        var socket = new FakeSocket();

        await host.Dispatch(socket, "greet", "ann");
        await host.Dispatch(socket, "greet", "bob");

        // calls is 1 both times: each event got a fresh instance.
        Assert.Equal(["greeting", "greeting"], socket.Emitted.Select(e => e.Event));
        Assert.Equal(["hello ann", 1], socket.Emitted[0].Args);
        Assert.Equal(["hello bob", 1], socket.Emitted[1].Args);
        Assert.Equal(2, counter.Instances);
        Assert.Equal(2, counter.Disposed);
    }

    [Fact]
    public async Task Static_handler_needs_no_instance()
    {
        var (host, counter) = Create();

        Assert.Equal("[5]", TestHost.Json(await host.Dispatch(new FakeSocket(), "static_add", 2, 3)));
        Assert.Equal(0, counter.Instances);
    }

    [Fact]
    public async Task Attribute_namespace_overrides_the_registration_namespace()
    {
        var (host, _) = Create();

        Assert.Null(await host.Dispatch(new FakeSocket("/"), "admin_only"));
        Assert.Equal("""["admin"]""", TestHost.Json(await host.Dispatch(new FakeSocket("/admin"), "admin_only")));
    }

    [Fact]
    public async Task Connect_and_disconnect_attributes()
    {
        var (host, _) = Create();
        var socket = new FakeSocket();

        Assert.True((await host.Registry.Connect(socket, host.Services)).Accepted);
        await host.Registry.Disconnect(socket, "transport close", host.Services);

        Assert.Equal(true, socket.Session["greeted"]);
        Assert.Equal("transport close", socket.Session["reason"]);
    }

    [Fact]
    public void Socket_is_not_available_outside_an_invocation()
    {
        var handler = new GreetingHandlers(new Counter());

        Assert.Throws<InvalidOperationException>(() => handler.Socket);
    }
}
