using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansSocket.Tests.Grains;

/// <summary>
/// Connection state recovery at the socket grain: the pid is the session's credential — presented again while the
/// old connection still counts as connected (its gateway died, its lease has not run out), it takes the session over
/// at once; a wrong or unknown one is refused with a logged reason and keeps nothing active.
/// </summary>
[Collection(GrainRecoveryCollection.Name)]
public sealed class SessionRecoveryTests(GrainRecoveryFixture fixture)
{
    private readonly RecordingGateway _oldGateway = new();
    private readonly RecordingGateway _newGateway = new();

    private SocketConnectRequest Request(RecordingGateway gateway, string gatewayId, string connectionId) => new("/", gatewayId,
        fixture.Client.CreateObjectReference<IGatewayObserver>(gateway),
        new HandshakeInfo
        {
            Headers = new Dictionary<string, string>(),
            Query = new Dictionary<string, string>(),
            AuthJson = "{}"u8.ToArray(),
            EngineIOVersion = 4,
        })
    { ConnectionId = connectionId };

    /// <summary>A socket id of the shape the gateway makes (the pid embeds it).</summary>
    private static string NewSocketId() => Convert.ToBase64String(Guid.NewGuid().ToByteArray().AsSpan(0, 15)).Replace('+', '-').Replace('/', '_');

    private async Task<(ISocketGrain Grain, string Id, string Pid, string Offset)> ConnectAsync()
    {
        var id = NewSocketId();
        var grain = fixture.Client.GetGrain<ISocketGrain>(id);
        var result = await grain.Connect(Request(_oldGateway, "gw-old", "conn-1"));
        Assert.True(result.Accepted);
        // The connect handler's welcome went through the recovery log: its offset is the client's last.
        var welcome = _oldGateway.Sent.Single(s => s.Socket == id && s.Packet.Event == "welcome").Packet;
        return (grain, id, result.Pid!, welcome.Offset!);
    }

    private static bool Logged(string socketId, string text, LogLevel level = LogLevel.Information) =>
        GrainRecoveryFixture.SocketGrainLog.Any(e => e.Level == level && e.Message.Contains(socketId) && e.Message.Contains(text));

    [Fact]
    public async Task A_valid_pid_takes_over_a_session_whose_old_connection_still_counts_as_connected()
    {
        var (grain, id, pid, offset) = await ConnectAsync();
        var room = "room-" + Guid.NewGuid().ToString("N");
        await grain.JoinRooms([room]);
        var emitter = fixture.Client.ServiceProvider.GetRequiredService<ISocketIO>();
        await emitter.To(room).EmitAsync("news", "while away");

        // The old gateway died (or its transport is half open): no Disconnected came, and the client is back elsewhere.
        var result = await grain.Recover(Request(_newGateway, "gw-new", "conn-2") with { RecoveryPid = pid, RecoveryOffset = offset });

        Assert.True(result.Accepted);
        Assert.True(result.Recovered);
        Assert.Equal(pid, result.Pid);
        var missed = Assert.Single(result.Missed!);
        Assert.Equal("news", missed.Event);
        Assert.Equal((id, "conn-1"), await _oldGateway.NextSupersededAsync()); // the old connection is told to close
        Assert.Single(_oldGateway.Superseded);
        Assert.Equal("transport close", TestHandlers.DisconnectReasons[id]); // its disconnect handler ran
        Assert.True(Logged(id, "takes the session over from gateway gw-old"));
        var described = await grain.Describe();
        Assert.Equal("gw-new", described!.GatewayId);
        Assert.Contains(room, described.Rooms);
        Assert.Contains(id, await fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of("/", room)).Members());
        Assert.Equal(["gw-new"], await fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of("/", room)).Gateways());

        // What the old connection still reports afterwards does not end the new one.
        await grain.Disconnected("transport close", "conn-1");
        Assert.Equal("gw-new", (await grain.Describe())?.GatewayId);
        Assert.Contains(id, await fixture.Client.GetGrain<INamespaceGrain>("/").Members());

        await grain.Disconnected("client namespace disconnect", "conn-2");
        Assert.Null(await grain.Describe());
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_with_its_reason_and_the_session_stays()
    {
        var (grain, id, pid, offset) = await ConnectAsync();
        var forged = pid[..(RecoveryTokens.SocketIdLength + 1)] + new string('0', RecoveryTokens.SecretLength);

        var result = await grain.Recover(Request(_newGateway, "gw-new", "conn-2") with { RecoveryPid = forged, RecoveryOffset = offset });

        Assert.False(result.Accepted);
        Assert.True(result.IsNotRecoverable);
        Assert.True(Logged(id, "recovery refused: wrong private id", LogLevel.Debug));
        Assert.Empty(_oldGateway.Superseded);
        Assert.Equal("gw-old", (await grain.Describe())?.GatewayId);
        await grain.Disconnected("client namespace disconnect", "conn-1");
    }

    [Fact]
    public async Task A_pid_of_no_session_is_refused_and_keeps_no_activation()
    {
        var id = NewSocketId();
        var grain = fixture.Client.GetGrain<ISocketGrain>(id);

        var result = await grain.Recover(Request(_newGateway, "gw-new", "conn-2") with
        {
            RecoveryPid = RecoveryTokens.NewPid(id),
            RecoveryOffset = RecoveryTokens.Offset("0badcafe", 1),
        });

        Assert.True(result.IsNotRecoverable);
        Assert.Equal("Session not recoverable", result.ErrorMessage);
        Assert.True(Logged(id, "recovery refused: no session with this id", LogLevel.Debug));
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await management.GetDetailedGrainStatistics()).Any(s => s.GrainId.Key.ToString() == id))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the activation made for an unknown pid was kept");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_parked_session_is_recoverable_until_the_window_on_the_silos_clock_has_passed()
    {
        var window = new ConnectionStateRecoveryOptions().MaxDisconnectionDuration;
        var (inTime, inTimeId, inTimePid, inTimeOffset) = await ConnectAsync();
        var (late, lateId, latePid, lateOffset) = await ConnectAsync();
        await inTime.Disconnected("transport close", "conn-1");
        await late.Disconnected("transport close", "conn-1");

        fixture.Clock.Advance(window - TimeSpan.FromSeconds(1));
        var recovered = await inTime.Recover(Request(_newGateway, "gw-new", "conn-2") with { RecoveryPid = inTimePid, RecoveryOffset = inTimeOffset });
        Assert.True(recovered.Recovered);

        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        var refused = await late.Recover(Request(_newGateway, "gw-new", "conn-2") with { RecoveryPid = latePid, RecoveryOffset = lateOffset });
        Assert.True(refused.IsNotRecoverable);
        Assert.True(Logged(lateId, "the recovery window has passed", LogLevel.Debug));
        Assert.Equal(inTimeId, (await inTime.Describe())?.Id);
        await inTime.Disconnected("client namespace disconnect", "conn-2");
    }

    [Fact]
    public void Refusals_are_a_flag_not_a_message()
    {
        Assert.True(ConnectResult.NotRecoverable.IsNotRecoverable);
        Assert.False(new ConnectResult(false, "Session not recoverable").IsNotRecoverable); // a handler's refusal with the same text
        Assert.False(ConnectResult.Ok.IsNotRecoverable);
    }
}
