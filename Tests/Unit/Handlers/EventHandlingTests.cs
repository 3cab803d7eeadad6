using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Tests.Handlers;

/// <summary>
/// What the socket grain asks the registry before it dispatches an event (<see cref="SocketIOHandlerRegistry.Handling"/>):
/// whether the handler takes an <see cref="IAck"/>, and whether the dispatch may still run when it returns. The grain
/// tracks the socket's own operations only for a dispatch that may; for one that may not, the dispatch must be over
/// when it returns, whatever the arguments (typed, copied through, with binary).
/// </summary>
public sealed class EventHandlingTests
{
    [Fact]
    public void A_synchronous_handler_of_the_namespace_cannot_wait()
    {
        var host = TestHost.Create(io => io.On("e", (string text) => text));

        Assert.Equal(new EventHandling(TakesAck: false, MayWait: false), host.Registry.Handling(new FakeSocket(), "e"));
    }

    [Theory]
    [InlineData("typed", """["x",2]""", false)]
    [InlineData("payload", """["x",{"a":1}]""", false)]
    [InlineData("elements", """["x"]""", false)]
    [InlineData("nothing", """[]""", false)]
    [InlineData("ack", """["x"]""", false)]
    [InlineData("binary", """["x",{"_placeholder":true,"num":0}]""", true)]
    [InlineData("payload", """[{"_placeholder":true,"num":0}]""", true)]
    public async Task A_dispatch_that_cannot_wait_is_over_when_it_returns(string eventName, string argsJson, bool withBinary)
    {
        var host = TestHost.Create(io => io
            .On("typed", (string text, int n) => text + n)
            .On("binary", (string text, byte[] data) => data.Length)
            .On("payload", (SocketPayload payload) => payload)
            .On("elements", (System.Text.Json.JsonElement[] args) => args.Length)
            .On("nothing", () => { })
            .On("ack", (string text, IAck ack) => { _ = ack.SendAsync(text); }));
        var socket = new FakeSocket();
        Assert.False(host.Registry.Handling(socket, eventName).MayWait);

        var attachments = withBinary ? new[] { new byte[] { 1, 2 } } : null;
        var dispatch = host.DispatchRaw(socket, eventName, argsJson, attachments);

        Assert.True(dispatch.IsCompleted);
        Assert.NotNull(await dispatch);
        Assert.Empty(host.Errors);
    }

    [Fact]
    public void A_handler_that_returns_a_task_may_wait()
    {
        var host = TestHost.Create(io => io.On("e", async (string text) =>
        {
            await Task.Yield();
            return text;
        }));

        Assert.True(host.Registry.Handling(new FakeSocket(), "e").MayWait);
    }

    [Fact]
    public void An_authorized_handler_may_wait_for_the_authorization_check()
    {
        var host = TestHost.Create(io => io.On("e", [Authorize] (string text) => text),
            services => services.AddLogging().AddAuthorizationCore());

        Assert.True(host.Registry.Handling(new FakeSocket(), "e").MayWait);
    }

    [Fact]
    public void Packet_middleware_may_wait_even_before_a_synchronous_handler()
    {
        var host = TestHost.Create(io => io
            .UsePacket(async (s, ev, args, next) => await next())
            .On("e", (string text) => text));

        Assert.True(host.Registry.Handling(new FakeSocket(), "e").MayWait);
    }

    [Fact]
    public void A_catch_all_or_another_namespaces_handler_may_wait()
    {
        var host = TestHost.Create(io => io
            .On("any-ns", (string text) => text, ns: "*")
            .OnAny((s, ev, args) => Task.CompletedTask));

        Assert.True(host.Registry.Handling(new FakeSocket(), "unknown").MayWait); // the catch-all
        Assert.True(host.Registry.Handling(new FakeSocket(), "any-ns").MayWait); // the "*" namespace's handler
    }

    [Fact]
    public void Takes_ack_follows_the_handler_the_event_reaches()
    {
        var host = TestHost.Create(io => io
            .On("own", (string text, IAck ack) => { _ = ack.SendAsync(text); })
            .On("shared", (IAck ack) => { _ = ack.SendAsync(); }, ns: "*")
            .On("plain", () => 1));

        Assert.Equal(new EventHandling(TakesAck: true, MayWait: false), host.Registry.Handling(new FakeSocket(), "own"));
        Assert.True(host.Registry.Handling(new FakeSocket(), "shared").TakesAck);
        Assert.False(host.Registry.Handling(new FakeSocket(), "plain").TakesAck);
        Assert.Equal(new EventHandling(TakesAck: false, MayWait: true), host.Registry.Handling(new FakeSocket(), "none"));
    }
}
