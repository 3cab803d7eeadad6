using System.Text.Json;

namespace OrleansSocket.Tests.Handlers;

public class CatchAllTests
{
    [Fact]
    public async Task Catch_all_gets_events_without_their_own_handler()
    {
        var caught = new List<(string Event, string Args)>();
        var host = TestHost.Create(io => io
            .On("known", () => "specific")
            .OnAny((s, ev, args) =>
            {
                caught.Add((ev, JsonSerializer.Serialize(args)));
                return Task.CompletedTask;
            }));
        var socket = new FakeSocket();

        var known = await host.Dispatch(socket, "known");
        var unknown = await host.DispatchRaw(socket, "whatever", """[1,{"_placeholder":true,"num":0}]""", [[1]]);

        Assert.Equal("""["specific"]""", TestHost.Json(known));
        Assert.Equal("[]", TestHost.Json(unknown));
        var (ev, args) = Assert.Single(caught);
        Assert.Equal("whatever", ev);
        Assert.Equal("""[1,{"_placeholder":true,"num":0}]""", args);
    }

    [Fact]
    public async Task Catch_all_result_is_the_ack()
    {
        var host = TestHost.Create(io => io.OnAny(async (s, ev, args) =>
        {
            await Task.Yield();
            return Ack.Many(ev, args.Length);
        }));

        Assert.Equal("""["x",2]""", TestHost.Json(await host.Dispatch(new FakeSocket(), "x", 1, 2)));
    }

    [Fact]
    public async Task Any_namespace_catch_all_accepts_every_namespace()
    {
        var seen = new List<string>();
        var host = TestHost.Create(io => io
            .OnAny((s, ev, args) => { seen.Add($"{s.Namespace} {ev}"); return Task.CompletedTask; }, ns: "*"));

        Assert.True(host.Registry.HasNamespace("/anything"));
        Assert.True((await host.Registry.Connect(new FakeSocket("/anything"), host.Services)).Accepted);
        await host.Dispatch(new FakeSocket("/anything"), "e");

        Assert.Equal(["/anything e"], seen);
    }

    [Fact]
    public async Task Lookup_order_is_namespace_event_then_namespace_catch_all_then_any_namespace()
    {
        var host = TestHost.Create(io => io
            .On("a", () => "ns event", ns: "/n")
            .OnAny((s, ev, args) => Task.FromResult<object?>("ns catch-all"), ns: "/n")
            .On("a", () => "* event", ns: "*")
            .On("b", () => "* event", ns: "*")
            .OnAny((s, ev, args) => Task.FromResult<object?>("* catch-all"), ns: "*"));

        Assert.Equal("""["ns event"]""", TestHost.Json(await host.Dispatch(new FakeSocket("/n"), "a")));
        Assert.Equal("""["ns catch-all"]""", TestHost.Json(await host.Dispatch(new FakeSocket("/n"), "b")));
        Assert.Equal("""["* event"]""", TestHost.Json(await host.Dispatch(new FakeSocket("/other"), "b")));
        Assert.Equal("""["* catch-all"]""", TestHost.Json(await host.Dispatch(new FakeSocket("/other"), "c")));
    }

    [Fact]
    public async Task Catch_all_never_gets_reserved_events()
    {
        var caught = 0;
        var host = TestHost.Create(io => io.OnAny((s, ev, args) => { caught++; return Task.CompletedTask; }));

        Assert.Null(await host.Dispatch(new FakeSocket(), "connect"));
        Assert.Equal(0, caught);
    }
}
