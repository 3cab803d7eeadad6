using System.Security.Claims;
using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansSocket.Grains.Adapters;
using Orleans.TestingHost;

namespace OrleansSocket.Testing;

/// <summary>
/// Your handlers in a real Orleans silo (<c>Microsoft.Orleans.TestingHost</c>, one in-process silo) behind the
/// real gateway session layer, with in-memory connections instead of HTTP: Flask-SocketIO's
/// <c>socketio.test_client(app)</c> for OrleansSocket.
/// </summary>
/// <remarks>
/// <para>Clients (<see cref="ConnectAsync"/>) go through the real socket grains and the real session layer; what
/// crosses sockets goes through the in-process cluster adapter (<see cref="InProcessAdapter"/>: one node, no streams),
/// so <c>Emit</c>, <c>To(room)</c>, <c>Broadcast</c>, <c>ToUser</c>, <c>Except</c>, <c>Server.Of(ns)</c> and acks in both
/// directions behave as in production, and broadcasts reach the clients before the operation returns. For a real
/// cluster's streams and membership, use a TestingHost cluster of your own with the gateway.</para>
/// <para>Starting one takes seconds: share it between tests, e.g. as an xunit class or collection fixture, and give
/// each test its own room names and user ids (the cluster's rooms and users outlive a test).</para>
/// <code>
/// public sealed class ChatServer : IAsyncLifetime
/// {
///     public SocketIOTestServer Server { get; private set; } = null!;
///     public async Task InitializeAsync() => Server = await SocketIOTestServer.StartAsync(io => io.AddHandlers&lt;ChatHandlers&gt;());
///     public async Task DisposeAsync() => await Server.DisposeAsync();
/// }
///
/// public sealed class ChatTests(ChatServer fixture) : IClassFixture&lt;ChatServer&gt; { ... }
/// </code>
/// </remarks>
public sealed class SocketIOTestServer : IAsyncDisposable
{
    // With the Orleans adapter (the kit's own adapter specification), broadcasts reach clients through the memory
    // stream's pulling agent: poll often, over one queue (client and silo must agree on the queue count).
    private static readonly TimeSpan StreamPollPeriod = TimeSpan.FromMilliseconds(5);
    private const int StreamQueues = 1;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly TestGateway[] _gateways;
    // Open connections, to wait until what their clients sent was read by the gateways.
    private readonly ConcurrentDictionary<TestConnection, byte> _connections = new();
    private int _nextGateway;
    private bool _disposed;

    private SocketIOTestServer(InProcessTestCluster cluster, TestGateway[] gateways, SocketIOTestServerOptions options, ISocketIO socketIO)
    {
        Cluster = cluster;
        _gateways = gateways;
        Options = options;
        SocketIO = socketIO;
    }

    /// <summary>Starts a one-silo cluster running the handlers <paramref name="configure"/> declares (as <c>silo.AddSocketIOGrains().AddHandlers(configure)</c>).</summary>
    /// <param name="configure">Declares the handlers.</param>
    /// <param name="services">Registers what the handlers inject (the silo's services).</param>
    /// <param name="options">Gateways, timeout and extra silo configuration; null: the defaults.</param>
    public static async Task<SocketIOTestServer> StartAsync(Action<ISocketIOBuilder> configure,
        Action<IServiceCollection>? services = null, SocketIOTestServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        options ??= new SocketIOTestServerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Gateways, 1, nameof(options.Gateways));

        var orleans = options.OrleansAdapter;
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            // One node in this process: the silo's grains and the test gateways share one in-process adapter.
            if (!orleans)
                silo.Services.AddSingleton<SocketIOAdapter>(sp => new InProcessAdapter(sp.GetService<TimeProvider>(),
                    sp.GetRequiredService<IOptions<ConnectionStateRecoveryOptions>>().Value));
            silo.AddSocketIOGrainsCore().AddHandlers(configure);
            silo.Services.Configure<StreamPullingAgentOptions>(GatewayStreams.Provider, o => o.GetQueueMsgsTimerPeriod = StreamPollPeriod);
            silo.Services.Configure<HashRingStreamQueueMapperOptions>(GatewayStreams.Provider, o => o.TotalQueueCount = StreamQueues);
            if (options.EventLink) silo.Services.Configure<EventLinkOptions>(o => (o.Enabled, o.ListenAddress) = (true, "127.0.0.1"));
            services?.Invoke(silo.Services);
            options.ConfigureSilo?.Invoke(silo);
        });
        if (orleans)
        {
            builder.ConfigureClient(client =>
            {
                client.AddMemoryStreams(GatewayStreams.Provider);
                client.Services.Configure<HashRingStreamQueueMapperOptions>(GatewayStreams.Provider, o => o.TotalQueueCount = StreamQueues);
                client.Services.AddSocketIOEmitter();
                client.AddActivityPropagation(); // as a gateway's client (UseSocketIOCluster): traces continue into the silo
            });
        }
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            // The in-process adapter lives in the silo's services; the Orleans adapter of the client reaches the cluster.
            var host = orleans ? cluster.Client.ServiceProvider : cluster.Silos[0].ServiceProvider;
            var adapter = (orleans ? options.CreateAdapter?.Invoke(cluster.Client) : null) ?? host.GetRequiredService<SocketIOAdapter>();
            var gateways = new TestGateway[options.Gateways];
            for (var i = 0; i < gateways.Length; i++)
                gateways[i] = await TestGateway.StartAsync(cluster.Client, adapter, cluster.Silos[0].ServiceProvider, options.BatchEvents, options.EventLink);
            var server = new SocketIOTestServer(cluster, gateways, options, host.GetRequiredService<ISocketIO>());
            // With streams, the first delivery waits for the pulling agent to start: pay that here, not in the first test.
            await Task.WhenAll(gateways.Select(g => g.FlushAsync(StartTimeout)));
            return server;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The options the server was started with.</summary>
    public SocketIOTestServerOptions Options { get; }

    /// <summary>The TestingHost cluster, for anything else a test needs (more silos, grain calls, deactivation).</summary>
    public InProcessTestCluster Cluster { get; }

    /// <summary>The cluster's client: call your own grains, or OrleansSocket's.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>The silo's services: what the handlers get injected (e.g. a fake registered in <c>services</c>).</summary>
    public IServiceProvider Services => Cluster.Silos[0].ServiceProvider;

    /// <summary>
    /// The server from outside any handler (Flask-SocketIO's <c>socketio.emit</c>, Node's <c>io</c>): emit to
    /// rooms, namespaces and users, fetch sockets, close rooms. Its broadcasts arrive asynchronously: call
    /// <see cref="FlushAsync"/> (or <see cref="SocketIOTestClient.WaitForAsync"/>) before reading what clients received.
    /// </summary>
    public ISocketIO SocketIO { get; }

    /// <summary>The test gateways' ids, in the order clients are spread over them.</summary>
    public IReadOnlyList<string> GatewayIds => [.. _gateways.Select(g => g.Id)];

    /// <summary>The test gateways' Socket.IO servers, in the order of <see cref="GatewayIds"/>.</summary>
    internal IReadOnlyList<Gateway.Sessions.SocketIOServer> GatewayServers => [.. _gateways.Select(g => g.Server)];

    /// <summary>How the cluster reaches the test gateway <paramref name="gatewayId"/> (for tests that drive the adapter themselves).</summary>
    internal IGatewayObserver GatewayObserver(string gatewayId) => _gateways.Single(g => g.Id == gatewayId).Server.ObserverReference;

    /// <summary>
    /// Opens a connection and connects it to <paramref name="ns"/> with <paramref name="auth"/> (the CONNECT packet's
    /// auth object, serialized as JSON with web defaults). A refused connection is returned too: check
    /// <see cref="SocketIOTestClient.IsConnected"/> and <see cref="SocketIOTestClient.ConnectError"/>.
    /// </summary>
    /// <param name="auth">The CONNECT packet's auth object; null: none (<c>{}</c>).</param>
    /// <param name="ns">The namespace to connect to.</param>
    /// <param name="headers">The HTTP headers of the handshake (<c>socket.Handshake.Headers</c>).</param>
    /// <param name="query">The handshake's query string parameters (<c>EIO</c> and <c>transport</c> are added).</param>
    /// <param name="user">The user the app's authentication found on the handshake request (<c>socket.User</c>); null: anonymous.</param>
    public Task<SocketIOTestClient> ConnectAsync(object? auth = null, string ns = "/",
        IReadOnlyDictionary<string, string>? headers = null, IReadOnlyDictionary<string, string>? query = null,
        ClaimsPrincipal? user = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var gateway = _gateways[(int)(((uint)Interlocked.Increment(ref _nextGateway) - 1) % (uint)_gateways.Length)];
        var connection = new TestConnection(this, gateway, headers ?? new Dictionary<string, string>(), query ?? new Dictionary<string, string>(), user);
        _connections[connection] = 0;
        return connection.ConnectAsync(ns, auth);
    }

    /// <summary>
    /// Waits until what was sent so far reached the clients: every socket's handlers have run (and what they
    /// broadcast was delivered), and disconnects the server started have run their handlers (and what those
    /// broadcast, in turn).
    /// Client operations do this before they return.
    /// </summary>
    /// <exception cref="TimeoutException">handlers still ran after <see cref="SocketIOTestServerOptions.Timeout"/>.</exception>
    public async Task FlushAsync()
    {
        // Quiet first, then the adapter: a broadcast is sent while its handler's grain call runs, so only a flush
        // after every socket went quiet is sure to come behind it (on streams, a marker on each gateway's stream).
        for (var round = 0; round < 10; round++)
        {
            var deadline = DateTime.UtcNow + Options.Timeout;
            while (!IsQuiet())
            {
                if (DateTime.UtcNow >= deadline)
                    throw new TimeoutException($"Handlers of sockets [{string.Join(", ", BusySockets())}] " +
                        $"still run after {Options.Timeout.TotalMilliseconds} ms.");
                await Task.Delay(1);
            }
            await Task.WhenAll(_gateways.Select(g => g.FlushAsync(Options.Timeout)));
            if (IsQuiet()) return; // what the flushed deliveries set off (e.g. acks the clients answered) is done too
        }
    }

    // Nothing a client sent waits to be read, no socket has a grain call queued or running, every closed socket's grain was told.
    private bool IsQuiet()
    {
        foreach (var connection in _connections.Keys)
        {
            if (!connection.IsIdle) return false;
            if (connection.IsClosed) _connections.TryRemove(connection, out _); // nothing more will come of it
        }
        return _gateways.All(g => g.Server.IsQuiet);
    }

    private IEnumerable<string> BusySockets() =>
        _gateways.SelectMany(g => g.Server.Sockets).Where(s => !s.IsIdle).Select(s => $"{s.Namespace}#{s.Id}");

    /// <summary>Stops the test gateways and the cluster.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var gateway in _gateways)
        {
            try
            {
                await gateway.StopAsync();
            }
            catch (Exception)
            {
                // the cluster goes away next anyway
            }
        }
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
