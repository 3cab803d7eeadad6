using Microsoft.Extensions.DependencyInjection;

namespace OrleansSocket.Tests.Handlers;

/// <summary>A service the namespace gets through its constructor.</summary>
public sealed class ChatLog
{
    public List<string> Lines { get; } = [];
}

public sealed class ChatNamespace(ChatLog log) : SocketIONamespace
{
    public bool OnConnect(Auth auth)
    {
        log.Lines.Add($"connect {Socket.Id} {auth.Token}");
        return auth.Token != "banned";
    }

    public void OnDisconnect(string reason) => log.Lines.Add($"disconnect {reason}");

    // → "send_message"; acks with the stored line count.
    public async Task<int> OnSendMessage(string text)
    {
        log.Lines.Add($"message {text}");
        await Socket.EmitAsync("message", text);
        return log.Lines.Count;
    }

    [On("custom name")]
    public string Custom() => "custom";

    // Helpers are not events: no On prefix...
    public string Format(string s) => s;

    // ...or "On" starting a word that is not a prefix.
    public string Online() => "online";
}

public class NamespaceClassTests
{
    private static (TestHost Host, ChatLog Log) Create()
    {
        var log = new ChatLog();
        return (TestHost.Create(io => io.AddNamespace<ChatNamespace>("/chat"), s => s.AddSingleton(log)), log);
    }

    [Fact]
    public async Task OnXxx_methods_handle_events_named_by_the_rule()
    {
        var (host, log) = Create();
        var socket = new FakeSocket("/chat");

        var ack = await host.Dispatch(socket, "send_message", "hello");

        Assert.Equal("[1]", TestHost.Json(ack));
        Assert.Equal(["message hello"], log.Lines);
        var (name, args) = Assert.Single(socket.Emitted);
        Assert.Equal("message", name);
        Assert.Equal(["hello"], args);
    }

    [Fact]
    public async Task On_attribute_names_an_event_and_other_methods_are_not_events()
    {
        var (host, _) = Create();

        Assert.Equal("""["custom"]""", TestHost.Json(await host.Dispatch(new FakeSocket("/chat"), "custom name")));
        Assert.Null(await host.Dispatch(new FakeSocket("/chat"), "format", "x"));
        Assert.Null(await host.Dispatch(new FakeSocket("/chat"), "online"));
        Assert.Null(await host.Dispatch(new FakeSocket("/chat"), "line"));
        Assert.Empty(host.Errors);
    }

    [Fact]
    public async Task OnConnect_and_OnDisconnect_are_the_lifecycle_handlers()
    {
        var (host, log) = Create();

        var accepted = await host.Registry.Connect(new FakeSocket("/chat", """{"token":"t1"}""", id: "s1"), host.Services);
        var refused = await host.Registry.Connect(new FakeSocket("/chat", """{"token":"banned"}""", id: "s2"), host.Services);
        await host.Registry.Disconnect(new FakeSocket("/chat"), "client namespace disconnect", host.Services);

        Assert.True(accepted.Accepted);
        Assert.Equal("Connection rejected by server", refused.ErrorMessage);
        Assert.Equal(["connect s1 t1", "connect s2 banned", "disconnect client namespace disconnect"], log.Lines);
    }

    [Fact]
    public async Task Namespace_class_only_serves_its_namespace()
    {
        var (host, _) = Create();

        Assert.True(host.Registry.HasNamespace("/chat"));
        Assert.Null(await host.Dispatch(new FakeSocket("/"), "send_message", "x"));
    }
}
