using OrleansSocket.Grains.Adapters;
using Microsoft.Extensions.DependencyInjection;
using OrleansSocket.Testing;

namespace OrleansSocket.Tests.Adapters;

/// <summary>
/// The adapter specification on the Orleans adapter: real socket, room, namespace and user grains and the
/// per-gateway broadcast streams, with the test kit's clients spread over two gateways; the adapter's own
/// node (what <c>Local</c> reaches) is the first of them.
/// </summary>
public sealed class OrleansAdapterTests(OrleansAdapterFixture fixture) : AdapterSpecification, IClassFixture<OrleansAdapterFixture>
{
    private protected override SocketIOAdapter Adapter => fixture.Adapter;

    protected override async Task<ISpecSocket> CreateSocketAsync(string? user)
    {
        var client = await fixture.Server.ConnectAsync(new { user });
        Assert.True(client.IsConnected, client.ConnectError?.Message);
        return new TestKitSocket(client, client.GatewayId == fixture.LocalGatewayId);
    }

    private protected override AdapterMember MemberOf(ISpecSocket socket)
    {
        var gateway = ((TestKitSocket)socket).GatewayId;
        return new AdapterMember(socket.Id, "/", gateway, fixture.Server.GatewayObserver(gateway));
    }

    protected override Task SettleAsync() => fixture.Server.FlushAsync();

    private sealed class TestKitSocket : ISpecSocket
    {
        private readonly SocketIOTestClient _client;

        public TestKitSocket(SocketIOTestClient client, bool local)
        {
            _client = client;
            IsLocal = local;
            AnswersAcks = true;
        }

        public string Id => _client.Id;
        public string GatewayId => _client.GatewayId;
        public bool IsLocal { get; }
        public bool IsConnected => _client.IsConnected;

        public bool AnswersAcks
        {
            set => _client.OnServerAck = value ? _ => [Id] : _ => null;
        }

        public Task JoinAsync(params string[] rooms) => _client.EmitAsync("join", [rooms]);

        public IReadOnlyList<string> TakeEvents() => [.. _client.GetReceived().Select(e => e.Event)];

        public ValueTask DisposeAsync() => _client.DisposeAsync();
    }
}

/// <summary>A test kit server with two gateways and connection state recovery on, shared by the Orleans adapter's specification tests.</summary>
public sealed class OrleansAdapterFixture : IAsyncLifetime
{
    public SocketIOTestServer Server { get; private set; } = null!;
    internal SocketIOAdapter Adapter { get; private set; } = null!;
    public string LocalGatewayId => Server.GatewayIds[0];

    public async Task InitializeAsync()
    {
        var recovery = new ConnectionStateRecoveryOptions { Enabled = true };
        OrleansAdapter? adapter = null;
        Server = await SocketIOTestServer.StartAsync(io => io.AddHandlers<AdapterSpecHandlers>(), options: new SocketIOTestServerOptions
        {
            Gateways = 2,
            OrleansAdapter = true,
            // The gateways attach to the adapter under test: what it answers for their sockets comes from their nodes.
            CreateAdapter = client => adapter = new OrleansAdapter(client, client.ServiceProvider, recovery: recovery),
            ConfigureSilo = silo => silo.Services.Configure<ConnectionStateRecoveryOptions>(o => o.Enabled = true),
        });
        adapter!.LocalGatewayId = LocalGatewayId;
        Adapter = adapter;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>What the specification's sockets do themselves: belong to a user, join rooms.</summary>
public sealed class AdapterSpecHandlers : SocketIOHandler
{
    public sealed record Auth(string? User);

    [OnConnect]
    public void Connect(Auth auth) => Socket.UserId = auth.User;

    [On("join")]
    public Task Join(string[] rooms) => Socket.JoinAsync(rooms);
}
