using System.Text.Json;
using OrleansSocket.Testing;

namespace OrleansSocket.Tests.Testing;

/// <summary>
/// Binary at any depth reaches clients as binary on every emit path (socket, room, namespace, user, broadcast, with
/// and without ack, from handlers and from <see cref="ISocketIO"/>): <c>byte[]</c> and <c>ReadOnlyMemory&lt;byte&gt;</c>
/// in typed objects and dictionaries, and what a client sent (a <see cref="JsonElement"/> or <see cref="SocketPayload"/>)
/// emitted again. The test client reads the payload as a real client does: a placeholder without its attachment fails.
/// </summary>
public sealed class NestedBinaryTests(NestedBinaryServerFixture fixture) : IClassFixture<NestedBinaryServerFixture>
{
    private static readonly byte[] Bytes = [1, 2, 3, 0, 255];

    public static TheoryData<string, string> PathsAndKinds()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in NestedBinaryServerFixture.Paths)
            foreach (var kind in new[] { "typed", "memory", "dictionary", "json", "payload" })
                data.Add(path, kind);
        return data;
    }

    [Theory]
    [MemberData(nameof(PathsAndKinds))]
    public async Task Nested_binary_reaches_the_client_as_binary(string path, string kind)
    {
        var (sender, receiver) = await ConnectPair();
        var file = new { file = Bytes, name = "f" };

        if (kind == "payload") await sender.EmitAsync("forward", path, kind, file);
        else await sender.EmitAsync("fan", path, kind, file, file);

        var got = await (path.StartsWith("socket") ? sender : receiver).WaitForAsync("got");
        var received = got.Arg<FileData>(0)!;
        Assert.Equal(Bytes, received.File);
        Assert.Equal("f", received.Name);
        Assert.Equal(1, got.Payload.AttachmentCount);
    }

    [Theory]
    [InlineData("room")]
    [InlineData("namespace")]
    [InlineData("user")]
    public async Task Nested_binary_from_ISocketIO_outside_handlers(string path)
    {
        var (_, receiver) = await ConnectPair();
        var io = fixture.Server.SocketIO;
        var target = path switch
        {
            "room" => io.To(receiver.Id),
            "namespace" => io,
            _ => io.ToUser(NestedBinaryServerFixture.UserOf(receiver.Id)),
        };

        await target.EmitAsync("got", new FileData(Bytes, "f"), new { deeper = new[] { new { bytes = new ReadOnlyMemory<byte>(Bytes) } } });

        var got = await receiver.WaitForAsync("got");
        Assert.Equal(Bytes, got.Arg<FileData>(0)!.File);
        Assert.Equal(Bytes, got.Arg<DeeperData>(1)!.Deeper[0].Bytes);
        Assert.Equal(2, got.Payload.AttachmentCount);
    }

    [Fact]
    public async Task Broadcast_EmitWithAck_from_ISocketIO_sends_nested_binary()
    {
        var (_, receiver) = await ConnectPair();

        var acks = await fixture.Server.SocketIO.To(receiver.Id).Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync("got", new FileData(Bytes, "f"));

        Assert.True(acks.AllAnswered);
        Assert.Equal(Bytes, (await receiver.WaitForAsync("got")).Arg<FileData>(0)!.File);
    }

    [Fact]
    public async Task A_JsonElement_kept_from_another_event_is_sent_as_it_is_not_with_other_bytes()
    {
        var (sender, receiver) = await ConnectPair();
        await sender.EmitAsync("keep", new { file = Bytes });

        await sender.EmitAsync("emit_kept", receiver.Id, new { other = new byte[] { 9 } });

        var got = await receiver.WaitForAsync("got");
        Assert.Equal(0, got.Payload.AttachmentCount);
        Assert.Equal("""{"file":{"_placeholder":true,"num":0}}""", got.Args[0].GetRawText());
    }

    private async Task<(SocketIOTestClient Sender, SocketIOTestClient Receiver)> ConnectPair()
    {
        var room = Guid.NewGuid().ToString("N");
        var sender = await fixture.Server.ConnectAsync(new { user = Guid.NewGuid().ToString("N") });
        var receiver = await fixture.Server.ConnectAsync(new { user = Guid.NewGuid().ToString("N") });
        foreach (var client in new[] { sender, receiver }) await client.EmitAsync("join", room, receiver.Id);
        sender.GetReceived();
        receiver.GetReceived();
        return (sender, receiver);
    }

    public sealed record FileData(byte[] File, string Name);

    public sealed record DeeperData(Holder[] Deeper);

    public sealed record Holder(byte[] Bytes);
}

public sealed class NestedBinaryServerFixture : IAsyncLifetime
{
    public static readonly string[] Paths =
        ["socket", "socket_ack", "to_room", "server_to_room", "room_ack", "broadcast", "namespace", "user", "user_ack"];

    public SocketIOTestServer Server { get; private set; } = null!;

    public static string UserOf(string socketId) => "user-of-" + socketId;

    public async Task InitializeAsync() => Server = await SocketIOTestServer.StartAsync(Register);

    public async Task DisposeAsync() => await Server.DisposeAsync();

    private static void Register(ISocketIOBuilder io)
    {
        io.OnConnect((ISocket socket) => { socket.UserId = UserOf(socket.Id); });
        io.On("join", async (ISocket socket, string room, string receiver) =>
        {
            await socket.JoinAsync(room);
            socket.Session["room"] = room;
            socket.Session["receiver"] = receiver;
        });
        // The client sends its {file, name} twice: bound to a type (to build the typed kinds) and as JSON.
        io.On("fan", (ISocket socket, string path, string kind, NestedBinaryTests.FileData typed, JsonElement json) =>
        {
            object value = kind switch
            {
                "typed" => typed,
                "memory" => new { file = new ReadOnlyMemory<byte>(typed.File), name = typed.Name },
                "dictionary" => new Dictionary<string, object?> { ["file"] = typed.File, ["name"] = typed.Name },
                _ => json, // as the client sent it: its placeholder points at the second attachment
            };
            return Send(socket, path, value, null);
        });
        io.On("forward", (ISocket socket, string path, string kind, SocketPayload rest) => Send(socket, path, null, rest));
        io.On("keep", (ISocket socket, JsonElement data) => { socket.Session["kept"] = data; });
        io.On("emit_kept", (ISocket socket, string receiver, JsonElement other) =>
            socket.Server.To(receiver).EmitAsync("got", (JsonElement)socket.Session["kept"]!));
    }

    private static async Task Send(ISocket socket, string path, object? value, SocketPayload? payload)
    {
        var room = (string)socket.Session["room"]!;
        var receiver = (string)socket.Session["receiver"]!;
        var timeout = TimeSpan.FromSeconds(5);
        Task Emit(IBroadcast target) => payload is null ? target.EmitAsync("got", value) : target.EmitAsync("got", payload);
        Task Ack(IBroadcast target) => payload is null ? target.Timeout(timeout).EmitWithAckAsync("got", value) : target.Timeout(timeout).EmitWithAckAsync("got", payload);
        switch (path)
        {
            case "socket": await (payload is null ? socket.EmitAsync("got", value) : socket.EmitAsync("got", payload)); break;
            case "socket_ack": await (payload is null ? socket.EmitWithAckAsync("got", timeout, value) : socket.EmitWithAckAsync("got", timeout, payload)); break;
            case "to_room": await Emit(socket.To(room)); break;
            case "server_to_room": await Emit(socket.Server.To(room)); break;
            case "room_ack": await Ack(socket.Server.To(room)); break;
            case "broadcast": await Emit(socket.Broadcast); break;
            case "namespace": await Emit(socket.Server); break;
            case "user": await Emit(socket.Server.ToUser(UserOf(receiver))); break;
            case "user_ack": await Ack(socket.Server.ToUser(UserOf(receiver))); break;
        }
    }
}
