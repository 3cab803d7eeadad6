using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansSocket.Gateway.Sessions;
using OrleansSocket.Grains.Adapters;

namespace OrleansSocket.Tests.Adapters;

/// <summary>The adapter is a service: one registered before <c>AddSocketIOEmitter</c> replaces the Orleans one.</summary>
public sealed class AdapterRegistrationTests
{
    [Fact]
    public async Task A_registered_adapter_carries_the_injected_servers_broadcasts()
    {
        var adapter = new InProcessAdapter();
        var services = new ServiceCollection();
        services.AddSingleton<SocketIOAdapter>(adapter);
        services.AddSocketIOEmitter();
        await using var provider = services.BuildServiceProvider();
        var socket = new RecordingSocket("s1");
        adapter.AddSocket(socket);
        adapter.Join(socket.Id, ["room"]);

        await provider.GetRequiredService<ISocketIO>().To("room").EmitAsync("hello", "world");

        var packet = Assert.Single(socket.Packets);
        Assert.Equal("hello", packet.Event);
        Assert.Equal("[\"world\"]", System.Text.Encoding.UTF8.GetString(packet.Payload.ArgsJson));
        Assert.Same(adapter, provider.GetRequiredService<SocketIOAdapter>());
    }

    [Fact]
    public async Task On_a_gateway_the_local_node_of_ISocketIO_is_the_gateway()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        // Nothing reaches the cluster here: the adapter only has to know which node is local.
        services.AddSingleton(DispatchProxy.Create<IGrainFactory, Unreachable>());
        services.AddSocketIO();
        await using var provider = services.BuildServiceProvider();

        var gateway = provider.GetRequiredService<SocketIOServer>().GatewayId;
        Assert.Equal(gateway, provider.GetRequiredService<LocalNode>().Id);
        var adapter = Assert.IsType<OrleansAdapter>(provider.GetRequiredService<SocketIOAdapter>());
        Assert.Equal(gateway, adapter.LocalGatewayId);
    }

    [Fact]
    public async Task Without_a_gateway_the_process_has_no_local_node()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton(DispatchProxy.Create<IGrainFactory, Unreachable>());
        services.AddSocketIOEmitter();
        await using var provider = services.BuildServiceProvider();

        var adapter = Assert.IsType<OrleansAdapter>(provider.GetRequiredService<SocketIOAdapter>());
        Assert.Null(adapter.LocalGatewayId);
    }

    /// <summary>A grain factory no test calls.</summary>
    public class Unreachable : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"{targetMethod?.Name} was called: this test reaches no cluster.");
    }

    [Fact]
    public void Options_are_equal_when_every_option_is()
    {
        var options = new BroadcastOptions("/") { Rooms = ["a", "b"], Except = ["x"], Volatile = true };

        Assert.Equal(options, new BroadcastOptions("/") { Rooms = ["a", "b"], Except = ["x"], Volatile = true });
        Assert.NotEqual(options, options with { Rooms = ["b", "a"] });
        Assert.NotEqual(options, options with { Local = true });
        Assert.NotEqual(options, options with { AckTimeout = TimeSpan.FromSeconds(1) });
    }

    private sealed class RecordingSocket(string id) : IAdapterSocket
    {
        public List<OutboundPacket> Packets { get; } = [];
        public string Id => id;
        public string Namespace => "/";
        public string? UserId => null;
        public void Deliver(SharedPacket packet) => Packets.Add(packet.Packet);
        public Task<SocketPayload> DeliverWithAckAsync(OutboundPacket packet, TimeSpan timeout) => throw new InvalidOperationException("No acks in this test.");
        public Task DisconnectAsync(bool closeConnection) => throw new InvalidOperationException("No disconnects in this test.");
        public Task JoinAsync(IReadOnlyCollection<string> rooms) => throw new InvalidOperationException("No joins in this test.");
        public Task LeaveAsync(IReadOnlyCollection<string> rooms) => throw new InvalidOperationException("No leaves in this test.");
        public Task<RemoteSocket?> DescribeAsync(string[] rooms) => throw new InvalidOperationException("No fetches in this test.");
    }
}
