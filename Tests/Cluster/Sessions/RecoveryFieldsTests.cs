using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Sessions;
using OrleansSocket.Tests.Grains;

namespace OrleansSocket.Tests.Sessions;

/// <summary>
/// What the gateway does with a CONNECT's <c>pid</c> and <c>offset</c> (issue 13, item 4): with recovery off they are
/// ordinary auth fields, and with it on a pid not of the server's shape is not looked up — in neither case is a
/// socket grain obtained under the id the client named. The real Socket.IO session code against a real cluster,
/// through a grain factory that records the socket grains asked for.
/// </summary>
public abstract class RecoveryFieldsTests(IClusterClient client, bool recoveryEnabled)
{
    /// <summary>A socket id of the gateway's shape that no session has: the one a client's pid names.</summary>
    protected static readonly string NamedId = SocketIds.New();

    /// <summary>Connects to "/" with <paramref name="authJson"/>; the socket id the CONNECT answer gives, and the
    /// socket grain keys the gateway asked for.</summary>
    protected async Task<(string Sid, string[] SocketGrains)> ConnectAsync(string authJson)
    {
        var factory = RecordingGrainFactory.Wrap(client, out var recorded);
        var server = NewServer(factory);
        var (session, connection) = Open(server);
        var reply = await ConnectAsync(session, connection, authJson);
        session.OnClose(EngineCloseReason.TransportClose);
        return (reply.GetProperty("sid").GetString()!, [.. recorded]);
    }

    private protected SocketIOServer NewServer(IGrainFactory? factory = null) =>
        new(factory ?? client, Options.Create(new SocketIOOptions()), NullLoggerFactory.Instance,
            Options.Create(new ConnectionStateRecoveryOptions { Enabled = recoveryEnabled }));

    private protected static (IEngineListener Session, FakeConnection Connection) Open(SocketIOServer server)
    {
        var connection = new FakeConnection();
        return (server.OnOpen(connection), connection);
    }

    /// <summary>Sends a CONNECT to "/" and returns the CONNECT answer's object (sid, pid).</summary>
    private protected static async Task<JsonElement> ConnectAsync(IEngineListener session, FakeConnection connection, string authJson)
    {
        session.OnMessage(Encoding.UTF8.GetBytes("0" + authJson), isBinary: false);
        var reply = await connection.NextAsync();
        Assert.StartsWith("0{", reply);
        return JsonDocument.Parse(reply[1..]).RootElement.Clone();
    }

    protected static string Auth(string pid, string offset) => $"{{\"token\":\"t\",\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}";

    protected static string WellFormedPid => RecoveryTokens.NewPid(NamedId);

    protected static string WellFormedOffset => RecoveryTokens.Offset("0badcafe", 1);

    /// <summary>An <see cref="IEngineConnection"/> that keeps what is sent to the client.</summary>
    private protected sealed class FakeConnection : IEngineConnection
    {
        private System.Threading.Channels.Channel<string> Sent { get; } = System.Threading.Channels.Channel.CreateUnbounded<string>();
        public bool Closed { get; private set; }

        public Task<string> NextAsync() => Sent.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        public string Id { get; } = Guid.NewGuid().ToString("N");
        public int ProtocolVersion => 4;
        public string Transport => "websocket";
        public EngineHandshake Handshake { get; } = new(new Dictionary<string, string>(), new Dictionary<string, string>(), "127.0.0.1", "/socket.io/", false, DateTimeOffset.UnixEpoch);

        public bool Send(ReadOnlyMemory<byte> data, bool isBinary, bool isVolatile = false) => Sent.Writer.TryWrite(Encoding.UTF8.GetString(data.Span));

        public void Close() => Closed = true;
    }
}

/// <summary>Forwards to a real grain factory and records the keys of the socket grains asked for.</summary>
public class RecordingGrainFactory : DispatchProxy
{
    private IGrainFactory _inner = null!;
    private ConcurrentQueue<string> _socketGrains = null!;

    public static IGrainFactory Wrap(IGrainFactory inner, out ConcurrentQueue<string> socketGrains)
    {
        var proxy = Create<IGrainFactory, RecordingGrainFactory>();
        var recording = (RecordingGrainFactory)(object)proxy;
        recording._inner = inner;
        recording._socketGrains = socketGrains = new();
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && targetMethod.GetGenericArguments()[0] == typeof(ISocketGrain))
            _socketGrains.Enqueue((string)args![0]!);
        try
        {
            return targetMethod!.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}

[Collection(ClusterCollection.Name)]
public sealed class RecoveryFieldsWithRecoveryOffTests(ClusterFixture fixture) : RecoveryFieldsTests(fixture.Client, recoveryEnabled: false)
{
    [Fact]
    public async Task A_well_formed_pid_is_an_ordinary_auth_field()
    {
        var (sid, socketGrains) = await ConnectAsync(Auth(WellFormedPid, WellFormedOffset));
        Assert.NotEqual(NamedId, sid);
        Assert.DoesNotContain(NamedId, socketGrains);
        Assert.Equal([sid], socketGrains);
    }
}

[Collection(GrainRecoveryCollection.Name)]
public sealed class RecoveryFieldsWithRecoveryOnTests(GrainRecoveryFixture fixture) : RecoveryFieldsTests(fixture.Client, recoveryEnabled: true)
{
    [Theory]
    [InlineData(".x")] // the issue's shape: "<random>.x"
    [InlineData(".0123456789ABCDEF0123456789")] // a secret two characters too long
    public async Task A_malformed_pid_is_not_looked_up(string secret)
    {
        var (sid, socketGrains) = await ConnectAsync(Auth(NamedId + secret, WellFormedOffset));
        Assert.NotEqual(NamedId, sid);
        Assert.Equal([sid], socketGrains);
    }

    [Fact]
    public async Task An_oversized_pid_is_not_looked_up()
    {
        var (sid, socketGrains) = await ConnectAsync(Auth(NamedId + "." + new string('A', 400_000), WellFormedOffset));
        Assert.Equal([sid], socketGrains);
    }

    [Fact]
    public async Task A_valid_pid_takes_over_a_session_still_held_by_an_earlier_connection_of_the_same_gateway()
    {
        var server = NewServer();
        var (first, firstConnection) = Open(server);
        var connected = await ConnectAsync(first, firstConnection, "{}");
        var (sid, pid) = (connected.GetProperty("sid").GetString()!, connected.GetProperty("pid").GetString()!);
        var welcome = JsonDocument.Parse((await firstConnection.NextAsync())[1..]).RootElement; // ["welcome", sid, offset]
        var offset = welcome[welcome.GetArrayLength() - 1].GetString()!;

        // The client's old transport is half open here; it comes back on a new connection to the same gateway.
        var (second, secondConnection) = Open(server);
        var recovered = await ConnectAsync(second, secondConnection, Auth(pid, offset));

        Assert.Equal(sid, recovered.GetProperty("sid").GetString());
        Assert.Equal(pid, recovered.GetProperty("pid").GetString());
        Assert.True(firstConnection.Closed, "the superseded connection was not closed");
        Assert.Same(second, server.Find(sid)!.Connection);
        Assert.True(server.Find(sid)!.IsConnected);
        second.OnClose(EngineCloseReason.TransportClose);
    }

    [Fact]
    public async Task A_well_formed_pid_of_no_session_is_looked_up_then_connects_as_new()
    {
        var (sid, socketGrains) = await ConnectAsync(Auth(WellFormedPid, WellFormedOffset));
        Assert.NotEqual(NamedId, sid);
        Assert.Equal([NamedId, sid], socketGrains); // the lookup, refused (no session), then the new socket
    }
}
