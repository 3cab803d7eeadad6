using OrleansSocket.Testing;

namespace OrleansSocket.Tests.Testing;

/// <summary>
/// <see cref="IBroadcast.Local"/> from a handler (Node's <c>socket.local</c>, <c>io.local</c>) with two gateways: the
/// socket grain runs in a silo, yet "this node" is the gateway holding the socket whose handler runs.
/// </summary>
public sealed class LocalBroadcastTests(LocalBroadcastFixture fixture) : IClassFixture<LocalBroadcastFixture>
{
    private SocketIOTestServer Server => fixture.Server;

    /// <summary>Four clients, two on each gateway (the test server spreads connections over them in turn).</summary>
    private async Task<SocketIOTestClient[]> ConnectFour()
    {
        var clients = new SocketIOTestClient[4];
        for (var i = 0; i < clients.Length; i++)
        {
            clients[i] = await Server.ConnectAsync();
            Assert.True(clients[i].IsConnected, clients[i].ConnectError?.Message);
        }
        Assert.Equal(2, clients.Select(c => c.GatewayId).Distinct().Count());
        return clients;
    }

    private static async Task DisposeAll(SocketIOTestClient[] clients)
    {
        foreach (var client in clients) await client.DisposeAsync();
    }

    [Fact]
    public async Task Socket_broadcast_local_reaches_the_other_sockets_of_its_gateway_only()
    {
        var clients = await ConnectFour();
        var sender = clients[0];

        await sender.EmitAsync("local", "hi");
        await Server.FlushAsync();

        foreach (var client in clients)
        {
            var expected = client != sender && client.GatewayId == sender.GatewayId;
            Assert.Equal(expected ? ["local news"] : [], client.GetReceived().Select(e => e.Event));
        }
        await DisposeAll(clients);
    }

    [Fact]
    public async Task Server_local_from_a_handler_reaches_every_socket_of_the_senders_gateway()
    {
        var clients = await ConnectFour();
        var sender = clients[1];

        var count = await sender.EmitWithAckAsync("count local");
        await sender.EmitAsync("server local", "hi");
        await Server.FlushAsync();

        Assert.Equal(2, count.Args[0].GetInt32());
        foreach (var client in clients)
            Assert.Equal(client.GatewayId == sender.GatewayId ? ["node news"] : [], client.GetReceived().Select(e => e.Event));
        await DisposeAll(clients);
    }

    [Fact]
    public async Task Local_from_outside_any_gateway_reaches_nobody()
    {
        var clients = await ConnectFour();

        // The test server's own ISocketIO lives in the cluster client, which holds no sockets.
        await Server.SocketIO.Local.EmitAsync("from nowhere");
        await Server.FlushAsync();

        Assert.All(clients, c => Assert.Empty(c.GetReceived()));
        Assert.Equal(0, await Server.SocketIO.Local.CountAsync());
        await DisposeAll(clients);
    }
}

/// <summary>What the local-broadcast tests' sockets do.</summary>
public sealed class LocalBroadcastHandlers : SocketIOHandler
{
    [On("local")]
    public Task Local(string text) => Socket.Broadcast.Local.EmitAsync("local news", text);

    [On("server local")]
    public Task ServerLocal(string text) => Socket.Server.Local.EmitAsync("node news", text);

    [On("count local")]
    public Task<int> CountLocal() => Socket.Server.Local.CountAsync();
}

/// <summary>A test server with two gateways running <see cref="LocalBroadcastHandlers"/>.</summary>
public sealed class LocalBroadcastFixture : IAsyncLifetime
{
    public SocketIOTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await SocketIOTestServer.StartAsync(io => io.AddHandlers<LocalBroadcastHandlers>(), options: new SocketIOTestServerOptions { Gateways = 2 });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
