using System.Text;
using OrleansSocket.Testing;

namespace OrleansSocket.Tests.Testing;

/// <summary>
/// An array is one argument unless the caller spreads it explicitly (an <c>object?[]</c>): <c>EmitAsync("users", names)</c>
/// with a <c>string[]</c> or a list sends <c>["users",["alice","bob"]]</c> on every emit path. Asserted on the arguments
/// as the client decoded them from the encoded packet.
/// </summary>
public sealed class EmitArgumentTests(EmitArgumentServerFixture fixture) : IClassFixture<EmitArgumentServerFixture>
{
    private static string Wire(ReceivedEvent e) => Encoding.UTF8.GetString(e.Payload.ArgsJson);

    [Theory]
    [InlineData("socket")]
    [InlineData("room")]
    [InlineData("namespace")]
    [InlineData("list")]
    [InlineData("ack")]
    public async Task A_string_array_is_one_argument(string path)
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.EmitAsync("users", path);
        var got = await client.WaitForAsync("users");
        Assert.Equal("""[["alice","bob"]]""", Wire(got));
    }

    [Fact]
    public async Task An_object_array_is_the_argument_list()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.EmitAsync("spread");
        var got = await client.WaitForAsync("spread");
        Assert.Equal("""["alice","bob"]""", Wire(got));
    }

    [Fact]
    public async Task An_ack_sent_with_an_array_is_one_argument()
    {
        await using var client = await fixture.Server.ConnectAsync();
        var ack = await client.EmitWithAckAsync("ack_array");
        Assert.Equal("""[["alice","bob"]]""", Encoding.UTF8.GetString(ack.Payload.ArgsJson));
    }

    [Fact]
    public async Task ISocketIO_sends_an_array_as_one_argument()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await fixture.Server.SocketIO.To(client.Id).EmitAsync("users", new[] { "alice", "bob" });
        await fixture.Server.FlushAsync();
        var got = await client.WaitForAsync("users");
        Assert.Equal("""[["alice","bob"]]""", Wire(got));
    }
}

public sealed class EmitArgumentServerFixture : IAsyncLifetime
{
    private static readonly string[] Names = ["alice", "bob"];

    public SocketIOTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SocketIOTestServer.StartAsync(io =>
    {
        io.On("users", (ISocket socket, string path) => path switch
        {
            "socket" => socket.EmitAsync("users", Names),
            "room" => socket.Server.To(socket.Id).EmitAsync("users", Names),
            "namespace" => socket.Server.Except("nobody").EmitAsync("users", Names),
            "list" => socket.EmitAsync("users", new List<string>(Names)),
            _ => (Task)socket.EmitWithAckAsync("users", TimeSpan.FromSeconds(5), Names),
        });
        io.On("spread", (ISocket socket) => socket.EmitAsync("spread", new object?[] { "alice", "bob" }));
        io.On("ack_array", async (IAck ack) => await ack.SendAsync(Names));
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
