using System.Text.Json;

namespace OrleansSocket.Tests.Handlers;

public class PacketMiddlewareTests
{
    [Fact]
    public async Task Packet_middleware_runs_in_order_before_the_handler_and_may_change_arguments()
    {
        var order = new List<string>();
        var host = TestHost.Create(io => io
            .UsePacket(async (s, ev, args, next) => { order.Add($"ns {ev}"); await next(); })
            .UsePacket(async (s, ev, args, next) => { order.Add("any"); args[0] = JsonSerializer.SerializeToElement("changed"); await next(); }, ns: "*")
            .On("e", (string v) => { order.Add($"handler {v}"); return v; }));

        var ack = await host.Dispatch(new FakeSocket(), "e", "original");

        Assert.Equal(["any", "ns e", "handler changed"], order);
        Assert.Equal("""["changed"]""", TestHost.Json(ack));
    }

    [Fact]
    public async Task Not_calling_next_drops_the_event_without_ack()
    {
        var ran = false;
        var host = TestHost.Create(io => io
            .UsePacket((s, ev, args, next) => ev == "blocked" ? Task.CompletedTask : next())
            .On("blocked", () => { ran = true; })
            .On("open", () => 1));

        Assert.Null(await host.Dispatch(new FakeSocket(), "blocked"));
        Assert.Equal("[1]", TestHost.Json(await host.Dispatch(new FakeSocket(), "open")));
        Assert.False(ran);
    }

    [Fact]
    public async Task Middleware_exception_goes_to_the_error_handler()
    {
        var host = TestHost.Create(io => io
            .UsePacket((s, ev, args, next) => throw new UnauthorizedAccessException())
            .On("e", () => 1));

        Assert.Null(await host.Dispatch(new FakeSocket(), "e"));
        Assert.IsType<UnauthorizedAccessException>(Assert.Single(host.Errors).Error);
    }
}
