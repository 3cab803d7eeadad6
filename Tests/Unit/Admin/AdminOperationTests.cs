using System.Text.Json;
using OrleansSocket.Grains.Admin;

namespace OrleansSocket.Tests.Admin;

/// <summary>The operations as the Admin UI 0.5.x sends them (its Sockets, Socket, Room and Rooms views).</summary>
public sealed class AdminOperationTests
{
    private static AdminOperation? Parse(string eventName, string argsJson, out string? error) =>
        AdminOperation.Parse(eventName, JsonDocument.Parse(argsJson).RootElement.EnumerateArray().Select(e => e.Clone()).ToArray(), out error);

    [Fact]
    public void Disconnect_of_one_socket_and_of_a_namespace()
    {
        Assert.Equal(new DisconnectSockets("/", "abc", false), Parse("_disconnect", """["/", false, "abc"]""", out _));
        Assert.Equal(new DisconnectSockets("/chat", null, true), Parse("_disconnect", """["/chat", true]""", out _));
    }

    [Fact]
    public void Join_and_leave_with_and_without_a_filter()
    {
        Assert.Equal(new JoinRoom("/", "abc", "lobby"), Parse("join", """["/", "lobby", "abc"]""", out _));
        Assert.Equal(new LeaveRoom("/", null, "lobby"), Parse("leave", """["/", "lobby"]""", out _));
    }

    [Fact]
    public void Emit_keeps_the_arguments()
    {
        var emit = Assert.IsType<EmitEvent>(Parse("emit", """["/", null, "news", {"a":1}, 2]""", out _));
        Assert.Equal(("/", (string?)null, "news"), (emit.Namespace, emit.Filter, emit.Event));
        Assert.Equal(["""{"a":1}""", "2"], emit.Args.Select(a => ((JsonElement)a!).GetRawText()));
    }

    [Theory]
    [InlineData("_disconnect", """[]""", "the first argument must be a namespace")]
    [InlineData("_disconnect", """[42, false, "abc"]""", "the first argument must be a namespace")]
    [InlineData("join", """["chat", "lobby"]""", "the first argument must be a namespace")]
    [InlineData("join", """["/", ""]""", "the second argument must be a room")]
    [InlineData("leave", """["/", {"room":"x"}]""", "the second argument must be a room")]
    [InlineData("emit", """["/", null]""", "the third argument must be an event name")]
    [InlineData("drop_database", """["/"]""", "not an Admin UI operation")]
    public void Anything_else_is_refused_with_the_reason(string eventName, string args, string reason)
    {
        Assert.Null(Parse(eventName, args, out var error));
        Assert.Equal(reason, error);
    }
}
