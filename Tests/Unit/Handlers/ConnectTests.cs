using System.Text;
using System.Text.Json;

namespace OrleansSocket.Tests.Handlers;

public record Auth(string Token);

public class ConnectTests
{
    [Fact]
    public async Task Unknown_namespace_is_refused()
    {
        var host = TestHost.Create(io => io.On("e", () => 1, ns: "/chat"));

        Assert.False(host.Registry.HasNamespace("/nope"));
        var result = await host.Registry.Connect(new FakeSocket("/nope"), host.Services);

        Assert.Equal(ConnectResult.InvalidNamespace, result);
        Assert.Equal("Invalid namespace", result.ErrorMessage);
        Assert.True(result.IsInvalidNamespace);
    }

    [Fact]
    public async Task Main_namespace_always_exists_and_error_handlers_alone_make_no_namespace()
    {
        var host = TestHost.Create(io => io.OnError((s, e, ev) => Task.CompletedTask, ns: "/errors-only"));

        Assert.True(host.Registry.HasNamespace("/"));
        Assert.False(host.Registry.HasNamespace("/errors-only"));
        Assert.True((await host.Registry.Connect(new FakeSocket("/"), host.Services)).Accepted);
    }

    [Fact]
    public async Task Connect_handler_binds_typed_auth()
    {
        var host = TestHost.Create(io => io.OnConnect((ISocket s, Auth auth) =>
        {
            s.UserId = auth.Token;
            return true;
        }));
        var socket = new FakeSocket(authJson: """{"token":"abc"}""");

        var result = await host.Registry.Connect(socket, host.Services);

        Assert.Same(ConnectResult.Ok, result);
        Assert.Equal("abc", socket.UserId);
    }

    [Fact]
    public async Task Connect_handler_may_ignore_the_auth_and_empty_auth_is_an_empty_object()
    {
        JsonElement? seen = null;
        var host = TestHost.Create(io => io
            .OnConnect(() => { })
            .OnConnect((JsonElement auth) => { seen = auth; }, ns: "/b"));

        Assert.True((await host.Registry.Connect(new FakeSocket(), host.Services)).Accepted);
        Assert.True((await host.Registry.Connect(new FakeSocket("/b", authJson: ""), host.Services)).Accepted);
        Assert.Equal(JsonValueKind.Object, seen!.Value.ValueKind);
    }

    [Fact]
    public async Task Returning_false_refuses_with_python_socketio_message()
    {
        var host = TestHost.Create(io => io.OnConnect(async (Auth auth) =>
        {
            await Task.Yield();
            return auth.Token == "good";
        }));

        var refused = await host.Registry.Connect(new FakeSocket(authJson: """{"token":"bad"}"""), host.Services);
        var accepted = await host.Registry.Connect(new FakeSocket(authJson: """{"token":"good"}"""), host.Services);

        Assert.Equal(new ConnectResult(false, "Connection rejected by server"), refused);
        Assert.True(accepted.Accepted);
    }

    [Fact]
    public async Task ConnectionRefusedException_refuses_with_message_and_data()
    {
        var host = TestHost.Create(io => io.OnConnect(() =>
        {
            throw new ConnectionRefusedException("authentication failed", new { code = 401, reason = "expired" });
        }));

        var result = await host.Registry.Connect(new FakeSocket(), host.Services);

        Assert.False(result.Accepted);
        Assert.Equal("authentication failed", result.ErrorMessage);
        Assert.Equal("""{"code":401,"reason":"expired"}""", Encoding.UTF8.GetString(result.ErrorDataJson!));
        Assert.Empty(host.Errors); // a refusal is not an error
    }

    [Fact]
    public async Task ConnectionRefusedException_without_data_has_no_data_json()
    {
        var host = TestHost.Create(io => io.OnConnect(() => { throw new ConnectionRefusedException("no"); }));

        Assert.Equal(new ConnectResult(false, "no"), await host.Registry.Connect(new FakeSocket(), host.Services));
    }

    [Fact]
    public async Task Unexpected_exception_refuses_and_reaches_the_error_handler()
    {
        var host = TestHost.Create(io => io.OnConnect(() => { throw new InvalidOperationException("secret detail"); }));

        var result = await host.Registry.Connect(new FakeSocket(), host.Services);

        Assert.Equal(new ConnectResult(false, "Connection rejected by server"), result);
        var (_, error, eventName) = Assert.Single(host.Errors);
        Assert.Equal("connect", eventName);
        Assert.IsType<InvalidOperationException>(error);
    }

    [Fact]
    public async Task Auth_that_does_not_bind_refuses()
    {
        var host = TestHost.Create(io => io.OnConnect((Auth auth) => true));

        var result = await host.Registry.Connect(new FakeSocket(authJson: "[1]"), host.Services);

        Assert.False(result.Accepted);
        Assert.IsType<SocketIOBindingException>(Assert.Single(host.Errors).Error);
    }

    [Fact]
    public async Task Middleware_runs_in_order_before_the_connect_handler()
    {
        var order = new List<string>();
        var host = TestHost.Create(io => io
            .Use(async (s, next) => { order.Add("chat 1"); await next(); order.Add("chat 1 after"); }, ns: "/chat")
            .Use(async (s, next) => { order.Add("any"); await next(); }, ns: "*")
            .Use(async (s, next) => { order.Add("chat 2"); await next(); }, ns: "/chat")
            .OnConnect(() => order.Add("connect"), ns: "/chat"));

        var result = await host.Registry.Connect(new FakeSocket("/chat"), host.Services);

        Assert.True(result.Accepted);
        Assert.Equal(["any", "chat 1", "chat 2", "connect", "chat 1 after"], order);
    }

    [Fact]
    public async Task Middleware_refusal_stops_before_the_connect_handler()
    {
        var connected = false;
        var host = TestHost.Create(io => io
            .Use((s, next) => throw new ConnectionRefusedException("not authorized", "details"))
            .OnConnect(() => connected = true));

        var result = await host.Registry.Connect(new FakeSocket(), host.Services);

        Assert.Equal("not authorized", result.ErrorMessage);
        Assert.Equal("\"details\"", Encoding.UTF8.GetString(result.ErrorDataJson!));
        Assert.False(connected);
    }

    [Fact]
    public async Task Middleware_that_does_not_call_next_refuses()
    {
        var connected = false;
        var host = TestHost.Create(io => io
            .Use((s, next) => Task.CompletedTask)
            .OnConnect(() => connected = true));

        var result = await host.Registry.Connect(new FakeSocket(), host.Services);

        Assert.Equal(new ConnectResult(false, "Connection rejected by server"), result);
        Assert.False(connected);
    }

    [Fact]
    public async Task Middleware_alone_makes_a_namespace_exist()
    {
        var host = TestHost.Create(io => io.Use((s, next) => next(), ns: "/guarded"));

        Assert.True(host.Registry.HasNamespace("/guarded"));
        Assert.True((await host.Registry.Connect(new FakeSocket("/guarded"), host.Services)).Accepted);
    }

    [Fact]
    public void Any_namespace_middleware_alone_opens_no_namespace()
    {
        var host = TestHost.Create(io => io.Use((s, next) => next(), ns: "*").On("e", () => 1, ns: "/chat"));

        Assert.True(host.Registry.HasNamespace("/chat"));
        Assert.False(host.Registry.HasNamespace("/other"));
    }

    [Fact]
    public async Task Any_namespace_connect_handler_serves_every_namespace()
    {
        var seen = new List<string>();
        var host = TestHost.Create(io => io.OnConnect((ISocket s) => seen.Add(s.Namespace), ns: "*"));

        Assert.True((await host.Registry.Connect(new FakeSocket("/x"), host.Services)).Accepted);
        Assert.Equal(["/x"], seen);
    }

    [Fact]
    public async Task Disconnect_handler_gets_the_reason_and_its_errors_go_to_the_error_handler()
    {
        var reasons = new List<string>();
        var host = TestHost.Create(io => io
            .OnDisconnect((string reason) => reasons.Add(reason))
            .OnDisconnect(() => { throw new InvalidOperationException(); }, ns: "/b"));

        await host.Registry.Disconnect(new FakeSocket(), "transport close", host.Services);
        await host.Registry.Disconnect(new FakeSocket("/b"), "ping timeout", host.Services);
        await host.Registry.Disconnect(new FakeSocket("/none"), "ping timeout", host.Services);

        Assert.Equal(["transport close"], reasons);
        Assert.Equal("disconnect", Assert.Single(host.Errors).Event);
    }
}
