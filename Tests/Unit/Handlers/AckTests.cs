using System.Text.Json;

namespace OrleansSocket.Tests.Handlers;

public class AckTests
{
    private static async Task<SocketPayload?> AckOf(Delegate handler, params object?[] args)
    {
        var host = TestHost.Create(io => io.On("e", handler));
        var ack = await host.Dispatch(new FakeSocket(), "e", args);
        Assert.Empty(host.Errors);
        return ack;
    }

    [Fact]
    public async Task Void_acks_with_no_arguments() => Assert.Equal("[]", TestHost.Json(await AckOf(() => { })));

    [Fact]
    public async Task Task_acks_with_no_arguments() =>
        Assert.Equal("[]", TestHost.Json(await AckOf(async () => await Task.Yield())));

    [Fact]
    public async Task ValueTask_acks_with_no_arguments() =>
        Assert.Equal("[]", TestHost.Json(await AckOf(() => ValueTask.CompletedTask)));

    [Fact]
    public async Task Value_acks_with_one_argument() =>
        Assert.Equal("""["HI"]""", TestHost.Json(await AckOf((string s) => s.ToUpperInvariant(), "hi")));

    [Fact]
    public async Task Task_of_value_acks_with_it() =>
        Assert.Equal("""[{"text":"a","count":1}]""", TestHost.Json(await AckOf(async () =>
        {
            await Task.Yield();
            return new Payload("a", 1);
        })));

    [Fact]
    public async Task ValueTask_of_value_acks_with_it() =>
        Assert.Equal("[3]", TestHost.Json(await AckOf((int a, int b) => new ValueTask<int>(a + b), 1, 2)));

    [Fact]
    public async Task Null_value_acks_with_null() =>
        Assert.Equal("[null]", TestHost.Json(await AckOf(() => Task.FromResult<string?>(null))));

    [Fact]
    public async Task Ack_many_acks_with_several_arguments() =>
        Assert.Equal("""[1,"two",null]""", TestHost.Json(await AckOf(() => Ack.Many(1, "two", null))));

    [Fact]
    public async Task Ack_none_acks_with_no_arguments() =>
        Assert.Equal("[]", TestHost.Json(await AckOf(() => Task.FromResult(Ack.None))));

    [Fact]
    public async Task Byte_array_value_becomes_an_attachment()
    {
        var ack = await AckOf(() => Ack.Many("file", new byte[] { 1, 2 }));

        Assert.Equal("""["file",{"_placeholder":true,"num":0}]""", TestHost.Json(ack));
        Assert.Equal([1, 2], Assert.Single(ack!.Attachments!));
    }

    [Fact]
    public async Task Without_ack_request_the_handler_runs_and_nothing_is_returned()
    {
        var ran = false;
        var host = TestHost.Create(io => io.On("e", () => { ran = true; return 5; }));

        var ack = await host.Registry.Dispatch(new FakeSocket(), TestHost.Event("e") with { WantsAck = false }, host.Services);

        Assert.Null(ack);
        Assert.True(ran);
    }

    [Fact]
    public async Task Event_without_any_handler_gets_no_ack()
    {
        var host = TestHost.Create(io => io.On("other", () => 1));

        Assert.Null(await host.Dispatch(new FakeSocket(), "e"));
        Assert.Empty(host.Errors);
    }

    [Fact]
    public async Task JsonElement_value_passes_through()
    {
        var element = JsonDocument.Parse("""{"Raw":true}""").RootElement.Clone();
        Assert.Equal("""[{"Raw":true}]""", TestHost.Json(await AckOf(() => element)));
    }

    [Fact]
    public async Task A_handler_that_takes_an_IAck_answers_through_it_not_with_its_return_value()
    {
        var host = TestHost.Create(io => io.On("e", async (IAck ack) =>
        {
            await ack.SendAsync("through the ack");
            return "returned";
        }));

        Assert.Equal("""["through the ack"]""", TestHost.Json(await host.Dispatch(new FakeSocket(), "e")));
        Assert.Empty(host.Errors);
    }

    [Fact]
    public async Task An_IAck_handler_of_the_any_namespace_gets_the_ack_in_a_namespace_with_handlers_of_its_own()
    {
        var host = TestHost.Create(io => io
            .On("other", () => 1, "/chat")
            .On("e", (IAck ack) => { ack.SendAsync(7); }, "*"));

        Assert.Equal("[7]", TestHost.Json(await host.Dispatch(new FakeSocket("/chat"), "e")));
        Assert.Equal("[1]", TestHost.Json(await host.Dispatch(new FakeSocket("/chat"), "other")));
    }

    [Fact]
    public async Task An_IAck_handler_that_does_not_answer_sends_no_ack()
    {
        var host = TestHost.Create(io => io.On("e", (IAck ack) => "not an answer"));

        Assert.Null(await host.Dispatch(new FakeSocket(), "e"));
    }
}
