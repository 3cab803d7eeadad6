using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansSocket.Gateway.EngineIO;
using static OrleansSocket.Tests.EngineIO.EngineClient;
using static OrleansSocket.Tests.EngineIO.EngineIOServerFixture;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>The Engine.IO server over real HTTP and WebSocket, with WebSockets on upgraded requests.</summary>
[Collection(EngineIOTimingCollection.Name)]
public sealed class EngineIOTests(EngineIOServerFixture server) : EngineIOBehaviourTests(server), IClassFixture<EngineIOServerFixture>;

/// <summary>The same behaviour with WebSockets on their connections (<c>ListenOptions.UseSocketIO()</c>).</summary>
[Collection(EngineIOTimingCollection.Name)]
public sealed class ConnectionWebSocketEngineIOTests(ConnectionWebSocketServerFixture server)
    : EngineIOBehaviourTests(server), IClassFixture<ConnectionWebSocketServerFixture>;

/// <summary>The Engine.IO server over real HTTP and WebSocket, checked against the behaviour of Node's engine.io.</summary>
public abstract class EngineIOBehaviourTests(EngineIOServerFixture server)
{
    private const string RS = "\u001e";
    private HttpClient Http => server.Http;

    // ---------------- handshake ----------------

    [Fact]
    public async Task PollingHandshakeV4_HasExactlyTheFiveKeys()
    {
        var response = await Http.GetAsync($"{Suite}?EIO=4&transport=polling");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("0", text);

        using var json = JsonDocument.Parse(text[1..]);
        var root = json.RootElement;
        Assert.Equal(["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"], root.EnumerateObject().Select(p => p.Name));
        var sid = root.GetProperty("sid").GetString()!;
        Assert.Matches("^[A-Za-z0-9_-]{20}$", sid);
        Assert.Equal(["websocket"], root.GetProperty("upgrades").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(300, root.GetProperty("pingInterval").GetInt32());
        Assert.Equal(2000, root.GetProperty("pingTimeout").GetInt32());
        Assert.Equal(1_000_000, root.GetProperty("maxPayload").GetInt32());

        // Two handshakes never share a sid.
        Assert.NotEqual(sid, await OpenPollingAsync(Suite));
    }

    [Fact]
    public async Task PollingHandshakeV3_IsLengthPrefixedWithoutMaxPayload()
    {
        var text = await Http.GetStringAsync($"{Suite}?EIO=3&transport=polling");
        var colon = text.IndexOf(':');
        var packet = text[(colon + 1)..];
        Assert.Equal(packet.Length.ToString(), text[..colon]);
        Assert.StartsWith("0", packet);
        using var json = JsonDocument.Parse(packet[1..]);
        Assert.Equal(["sid", "upgrades", "pingInterval", "pingTimeout"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(300, json.RootElement.GetProperty("pingInterval").GetInt32());
    }

    [Theory]
    [InlineData(4)]
    [InlineData(3)]
    public async Task WebSocketHandshake_OpensWithoutUpgrades(int eio)
    {
        using var socket = await ConnectAsync(server.WebSocketUri($"{Suite}?EIO={eio}&transport=websocket"));
        var open = await ReceiveTextAsync(socket);
        Assert.StartsWith("0", open);
        using var json = JsonDocument.Parse(open[1..]);
        var keys = json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(eio == 4 ? ["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"] : ["sid", "upgrades", "pingInterval", "pingTimeout"], keys);
        Assert.Empty(json.RootElement.GetProperty("upgrades").EnumerateArray());
    }

    [Theory]
    [InlineData("GET", Suite + "?transport=polling", 5)]
    [InlineData("GET", Suite + "?EIO=abc&transport=polling", 5)]
    [InlineData("GET", Suite + "?EIO=5&transport=polling", 5)]
    [InlineData("GET", SameOrigin + "?EIO=3&transport=polling", 5)]
    [InlineData("GET", Suite + "?EIO=4", 0)]
    [InlineData("GET", Suite + "?EIO=4&transport=abc", 0)]
    [InlineData("GET", Suite + "?EIO=4&transport=polling&sid=nope", 1)]
    [InlineData("POST", Suite + "?EIO=4&transport=polling&sid=nope", 1)]
    [InlineData("POST", Suite + "?EIO=4&transport=polling", 2)]
    [InlineData("PUT", Suite + "?EIO=4&transport=polling", 2)]
    [InlineData("OPTIONS", SameOrigin + "?EIO=4&transport=polling", 2)]
    [InlineData("GET", Suite + "?EIO=4&transport=websocket", 3)]
    public async Task HttpErrors_AreNodesCodesAsJson(string method, string url, int code)
    {
        using var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
        await AssertErrorAsync(response, code);
    }

    [Fact]
    public async Task SidOnAnotherTransport_IsBadRequest()
    {
        var sid = await OpenPollingAsync(Quiet);
        using var response = await Http.GetAsync($"{Quiet}?EIO=4&transport=websocket&sid={sid}");
        await AssertErrorAsync(response, 3);
    }

    [Fact]
    public async Task WebSocketWithUnknownSid_IsRefusedBeforeTheUpgrade()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() =>
            socket.ConnectAsync(server.WebSocketUri($"{Quiet}?EIO=4&transport=websocket&sid=nope"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }

    // ---------------- long-polling ----------------

    [Fact]
    public async Task PollingEchoV4_TextUnicodeAndBinary()
    {
        var sid = await OpenPollingAsync(Quiet);
        const string payload = "4hello" + RS + "4€ and 😀" + RS + "bAQIDBA==";
        using var post = await PostAsync(Poll(Quiet, sid), payload);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("text/html", post.Content.Headers.ContentType!.MediaType);
        Assert.Equal("ok", await post.Content.ReadAsStringAsync());
        Assert.Equal(payload, await PollTextAsync(Poll(Quiet, sid)));
    }

    [Fact]
    public async Task PollingEchoV3_Base64CountsUtf16Units()
    {
        var sid = await OpenPollingAsync(Quiet, eio: 3, extra: "&b64=1");
        // "€" is one UTF-16 unit (three UTF-8 bytes), "😀" two units (four bytes).
        const string payload = "6:4hello2:4€3:4😀10:b4AQIDBA==";
        using var post = await PostAsync(Poll(Quiet, sid, 3), payload);
        Assert.Equal("ok", await post.Content.ReadAsStringAsync());
        Assert.Equal(payload, await PollTextAsync(Poll(Quiet, sid, 3)));
    }

    [Fact]
    public async Task PollingEchoV3_Xhr2ClientGetsBinaryFraming()
    {
        var sid = await OpenPollingAsync(Quiet, eio: 3);
        // Without binary in the batch the reply stays text.
        using (await PostAsync(Poll(Quiet, sid, 3), "6:4hello")) { }
        Assert.Equal("6:4hello", await PollTextAsync(Poll(Quiet, sid, 3)));

        using (await PostAsync(Poll(Quiet, sid, 3), "6:4hello10:b4AQIDBA==")) { }
        byte[] expected = [0, 6, 255, 52, 104, 101, 108, 108, 111, 1, 5, 255, 4, 1, 2, 3, 4];
        using (var poll = await Http.GetAsync(Poll(Quiet, sid, 3)))
        {
            Assert.Equal("application/octet-stream", poll.Content.Headers.ContentType!.MediaType);
            Assert.Equal(expected, await poll.Content.ReadAsByteArrayAsync());
        }

        // The same framing is accepted in a POST body.
        var content = new ByteArrayContent(expected);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using (var post = await Http.PostAsync(Poll(Quiet, sid, 3), content))
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        using (var poll = await Http.GetAsync(Poll(Quiet, sid, 3)))
            Assert.Equal(expected, await poll.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(4, "abc")]
    [InlineData(4, "")]
    [InlineData(4, "4ok" + RS)]
    [InlineData(3, "abc")]
    [InlineData(3, "5:4hi")]
    public async Task MalformedPayload_ClosesTheSession(int eio, string body)
    {
        var sid = await OpenPollingAsync(Recorded, eio, eio == 3 ? "&b64=1" : "");
        using var post = await PostAsync(Poll(Recorded, sid, eio), body);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal("parse error", await server.Recorder[sid].WaitClosedAsync());
        using var poll = await Http.GetAsync(Poll(Recorded, sid, eio));
        await AssertErrorAsync(poll, 1);
    }

    [Theory]
    [InlineData(4, "text/plain", new byte[] { (byte)'4', (byte)'a', 0xFF, (byte)'b' })]
    [InlineData(3, "text/plain", new byte[] { (byte)'3', (byte)':', (byte)'4', 0xC3, 0x28 })]
    [InlineData(3, "application/octet-stream", new byte[] { 0, 3, 255, (byte)'4', 0xED, 0xA0 })]
    public async Task InvalidUtf8InAPostedTextPacket_ClosesTheSessionAsOverWebSocket(int eio, string contentType, byte[] body)
    {
        // Over WebSocket the same bytes in a text frame end the session (close 1007); a POST is refused alike.
        var sid = await OpenPollingAsync(Recorded, eio);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var post = await Http.PostAsync(Poll(Recorded, sid, eio), content);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal("parse error", await server.Recorder[sid].WaitClosedAsync());
        Assert.Empty(server.Recorder[sid].Messages);
    }

    [Fact]
    public async Task InvalidUtf8InAWebSocketTextFrame_ClosesTheSession()
    {
        using var socket = await ConnectAsync(server.WebSocketUri($"{Recorded}?EIO=4&transport=websocket"));
        var sid = SidOf(await ReceiveTextAsync(socket));
        await socket.SendAsync(new byte[] { (byte)'4', (byte)'a', 0xFF }, WebSocketMessageType.Text, true, CancellationToken.None);

        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, await ExpectCloseAsync(socket));
        Assert.Equal("transport error", await server.Recorder[sid].WaitClosedAsync());
        Assert.Empty(server.Recorder[sid].Messages);
    }

    [Fact]
    public async Task MessagesReachTheApplicationInOrderOneAtATime()
    {
        var sid = await OpenPollingAsync(Recorded);
        using (await PostAsync(Poll(Recorded, sid), "4m1" + RS + "4m2" + RS + "bAQI=")) { }
        using (await PostAsync(Poll(Recorded, sid), "4m3")) { }
        var session = server.Recorder[sid];
        Assert.Equal(["m1", "m2", "bin:0102", "m3"], session.Messages);
        Assert.False(session.OverlappingCalls);
        Assert.Equal("polling", session.Connection.Transport);
        Assert.Equal(4, session.Connection.ProtocolVersion);
        Assert.Equal("polling", session.Connection.Handshake.Query["transport"]);
        Assert.Equal("127.0.0.1", session.Connection.Handshake.RemoteAddress);
    }

    [Fact]
    public async Task ConcurrentPoll_IsRefusedAndClosesTheSession()
    {
        var sid = await OpenPollingAsync(Recorded);
        var first = Http.GetAsync(Poll(Recorded, sid));
        await WaitUntilPollParkedAsync(server.Recorder[sid].Connection);
        using (var second = await Http.GetAsync(Poll(Recorded, sid) + "&t=burst"))
            await AssertErrorAsync(second, 3);
        using (var firstResponse = await first)
            Assert.Equal("1", await firstResponse.Content.ReadAsStringAsync()); // released with a close packet
        Assert.Equal("transport error", await server.Recorder[sid].WaitClosedAsync());
        using var third = await Http.GetAsync(Poll(Recorded, sid));
        await AssertErrorAsync(third, 1);
    }

    [Fact]
    public async Task CancelledPoll_ClosesTheSession()
    {
        var sid = await OpenPollingAsync(Recorded);
        using var cts = new CancellationTokenSource();
        var poll = Http.GetAsync(Poll(Recorded, sid), cts.Token);
        await WaitUntilPollParkedAsync(server.Recorder[sid].Connection);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll);
        Assert.Equal("transport error", await server.Recorder[sid].WaitClosedAsync());
        using var next = await Http.GetAsync(Poll(Recorded, sid));
        await AssertErrorAsync(next, 1);
    }

    [Fact]
    public async Task ClientClosePacket_ReleasesThePollWithNoop()
    {
        var sid = await OpenPollingAsync(Recorded);
        var poll = Http.GetAsync(Poll(Recorded, sid));
        await WaitUntilPollParkedAsync(server.Recorder[sid].Connection);
        using (var post = await PostAsync(Poll(Recorded, sid), "1"))
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        using (var pollResponse = await poll)
            Assert.Equal("6", await pollResponse.Content.ReadAsStringAsync());
        Assert.Equal("transport close", await server.Recorder[sid].WaitClosedAsync());
        using var next = await Http.GetAsync(Poll(Recorded, sid));
        await AssertErrorAsync(next, 1);
    }

    [Fact]
    public async Task ClientClosePacket_OvertakingThePoll_StillGivesThatPollItsNoop()
    {
        var sid = await OpenPollingAsync(Recorded, eio: 3, extra: "&b64=1");
        using (var post = await PostAsync(Poll(Recorded, sid, 3), "1:1"))
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("transport close", await server.Recorder[sid].WaitClosedAsync());
        Assert.False(server.Recorder[sid].Connection.Send("x"u8.ToArray(), false));
        Assert.Equal("1:6", await PollTextAsync(Poll(Recorded, sid, 3))); // the poll that was on its way
        using var next = await Http.GetAsync(Poll(Recorded, sid, 3));
        await AssertErrorAsync(next, 1);
    }

    [Fact]
    public async Task ServerClose_FlushesQueuedPacketsThenSendsClose_Polling()
    {
        var sid = await OpenPollingAsync(Recorded);
        using (await PostAsync(Poll(Recorded, sid), "4bye")) { }
        var session = server.Recorder[sid];
        Assert.False(session.Connection.Send("late"u8.ToArray(), false)); // closing: nothing more is taken
        Assert.Equal("4ack" + RS + "1", await PollTextAsync(Poll(Recorded, sid)));
        Assert.Equal("forced close", await session.WaitClosedAsync());
        Assert.Equal(1, session.CloseCount);
    }

    [Fact]
    public async Task SendQueue_IsBoundedAndVolatileIsDroppedWhenNotWritable()
    {
        var sid = await OpenPollingAsync(Recorded); // MaxBufferedPackets = 4
        var connection = server.Recorder[sid].Connection;
        // No poll is pending: the transport cannot write now, so a volatile packet is dropped.
        Assert.False(connection.Send("v"u8.ToArray(), false, isVolatile: true));
        for (var i = 0; i < 4; i++) Assert.True(connection.Send(Encoding.UTF8.GetBytes($"m{i}"), false));
        // Full, and nothing volatile to drop: the client is not keeping up, the session ends.
        Assert.False(connection.Send("m4"u8.ToArray(), false));
        Assert.Equal("transport error", await server.Recorder[sid].WaitClosedAsync());
        Assert.False(connection.Send("after"u8.ToArray(), false));
    }

    [Fact]
    public async Task VolatileSend_IsTakenWhileAPollIsPending()
    {
        var sid = await OpenPollingAsync(Recorded);
        var poll = Http.GetAsync(Poll(Recorded, sid));
        await WaitUntilPollParkedAsync(server.Recorder[sid].Connection);
        Assert.True(server.Recorder[sid].Connection.Send("v"u8.ToArray(), false, isVolatile: true));
        using var response = await poll;
        Assert.Equal("4v", await response.Content.ReadAsStringAsync());
    }

    // ---------------- limits ----------------

    [Fact]
    public async Task MaxHttpBufferSize_Polling_ExactlyMaxPassesOneMoreCloses()
    {
        var sid = await OpenPollingAsync(Small); // max 100 bytes
        var exactly = "4" + new string('a', 99);
        using (var ok = await PostAsync(Poll(Small, sid), exactly))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(exactly, await PollTextAsync(Poll(Small, sid)));

        using (var tooLarge = await PostAsync(Poll(Small, sid), exactly + "a"))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        using var next = await Http.GetAsync(Poll(Small, sid));
        await AssertErrorAsync(next, 1);
    }

    [Fact]
    public async Task MaxHttpBufferSize_WebSocket_ExactlyMaxPassesOneMoreCloses()
    {
        using var socket = await ConnectAsync(server.WebSocketUri($"{Small}?EIO=4&transport=websocket"));
        await ReceiveTextAsync(socket);
        var exactly = "4" + new string('b', 99);
        await SendTextAsync(socket, exactly);
        Assert.Equal(exactly, await ReceiveTextAsync(socket));
        await SendTextAsync(socket, exactly + "b");
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await ExpectCloseAsync(socket));
    }

    [Fact]
    public async Task MaxHttpBufferSize_ChunkedBodyIsCutAtTheLimit()
    {
        var sid = await OpenPollingAsync(Small);
        var content = new UnknownLengthContent(Encoding.UTF8.GetBytes("4" + new string('c', 200)));
        using (var tooLarge = await Http.PostAsync(Poll(Small, sid), content))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        using var next = await Http.GetAsync(Poll(Small, sid));
        await AssertErrorAsync(next, 1);
    }

    [Fact]
    public async Task MaxPacketsPerPoll_ExactlyThreePerResponse()
    {
        var sid = await OpenPollingAsync(Small); // 3 packets per poll
        using (await PostAsync(Poll(Small, sid), "4a" + RS + "4b" + RS + "4c" + RS + "4d")) { }
        Assert.Equal("4a" + RS + "4b" + RS + "4c", await PollTextAsync(Poll(Small, sid)));
        Assert.Equal("4d", await PollTextAsync(Poll(Small, sid)));
    }

    // ---------------- WebSocket ----------------

    [Fact]
    public async Task WebSocketEchoV4_TextBinaryAndLargeText()
    {
        using var socket = await ConnectAsync(server.WebSocketUri($"{Quiet}?EIO=4&transport=websocket"));
        await ReceiveTextAsync(socket);
        await SendTextAsync(socket, "4hello €");
        Assert.Equal("4hello €", await ReceiveTextAsync(socket));
        await SendBinaryAsync(socket, [1, 2, 3, 4]);
        var (type, data) = await ReceiveAsync(socket);
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal([1, 2, 3, 4], data);
        // Above the coalescing limit the reply goes out as two fragments of one message.
        var large = "4" + new string('x', 20_000);
        await SendTextAsync(socket, large);
        Assert.Equal(large, await ReceiveTextAsync(socket));
    }

    [Fact]
    public async Task WebSocketEchoV3_BinaryCarriesTheTypeByte()
    {
        using var socket = await ConnectAsync(server.WebSocketUri($"{Quiet}?EIO=3&transport=websocket"));
        await ReceiveTextAsync(socket);
        await SendTextAsync(socket, "4hello");
        Assert.Equal("4hello", await ReceiveTextAsync(socket));
        await SendBinaryAsync(socket, [4, 1, 2, 3, 4]);
        var (type, data) = await ReceiveAsync(socket);
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal([4, 1, 2, 3, 4], data);
        var large = new byte[10_000];
        large[0] = 4;
        large[^1] = 9;
        await SendBinaryAsync(socket, large);
        Assert.Equal(large, (await ReceiveAsync(socket)).Data);
    }

    [Fact]
    public async Task WebSocketInvalidPacket_ClosesWithParseError()
    {
        using var socket = await ConnectAsync(server.WebSocketUri($"{Recorded}?EIO=4&transport=websocket"));
        var sid = SidOf(await ReceiveTextAsync(socket));
        await SendTextAsync(socket, "abc");
        await ExpectCloseAsync(socket);
        Assert.Equal("parse error", await server.Recorder[sid].WaitClosedAsync());
    }

    [Fact]
    public async Task WebSocketClosePacket_ClosesWithTransportClose()
    {
        using var socket = await ConnectAsync(server.WebSocketUri($"{Recorded}?EIO=4&transport=websocket"));
        var sid = SidOf(await ReceiveTextAsync(socket));
        await SendTextAsync(socket, "1");
        await ExpectCloseAsync(socket);
        Assert.Equal("transport close", await server.Recorder[sid].WaitClosedAsync());
    }

    [Fact]
    public async Task ServerClose_FlushesThenClosesTheWebSocket()
    {
        using var socket = await ConnectAsync(server.WebSocketUri($"{Recorded}?EIO=4&transport=websocket"));
        var sid = SidOf(await ReceiveTextAsync(socket));
        await SendTextAsync(socket, "4bye");
        Assert.Equal("4ack", await ReceiveTextAsync(socket));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await ExpectCloseAsync(socket));
        Assert.Equal("forced close", await server.Recorder[sid].WaitClosedAsync());
        Assert.Equal(1, server.Recorder[sid].CloseCount);
    }

    // ---------------- upgrade ----------------

    /// <summary>A WebSocket for polling session <paramref name="sid"/> whose "2probe" has been answered with "3probe".</summary>
    private async Task<ClientWebSocket> ProbeAsync(string path, string sid, int eio = 4)
    {
        var socket = await ConnectAsync(server.WebSocketUri($"{path}?EIO={eio}&transport=websocket&sid={sid}"));
        await SendTextAsync(socket, "2probe");
        Assert.Equal("3probe", await ReceiveTextAsync(socket));
        return socket;
    }

    [Theory]
    [InlineData(4, "6")]
    [InlineData(3, "1:6")]
    public async Task Upgrade_ProbeNoopThenTheSessionMovesToWebSocket(int eio, string noop)
    {
        var sid = await OpenPollingAsync(Recorded, eio, eio == 3 ? "&b64=1" : "");
        using var socket = await ProbeAsync(Recorded, sid, eio);
        Assert.Equal(noop, await PollTextAsync(Poll(Recorded, sid, eio))); // a noop during the upgrade

        var connection = server.Recorder[sid].Connection;
        Assert.True(connection.Send("queued"u8.ToArray(), false)); // queued before the switch, flushed over WebSocket
        await SendTextAsync(socket, "5");
        Assert.Equal("4queued", await ReceiveTextAsync(socket));
        Assert.Equal("websocket", connection.Transport);

        await SendTextAsync(socket, "4over ws");
        await WaitUntilAsync(() => server.Recorder[sid].Messages.Contains("over ws"));

        using (var poll = await Http.GetAsync(Poll(Recorded, sid, eio)))
            await AssertErrorAsync(poll, 3);
        using (var post = await PostAsync(Poll(Recorded, sid, eio), eio == 4 ? "4x" : "2:4x"))
            await AssertErrorAsync(post, 3);
    }

    [Fact]
    public async Task Upgrade_PendingPollIsReleasedWithNoop()
    {
        var sid = await OpenPollingAsync(Quiet);
        var poll = Http.GetAsync(Poll(Quiet, sid));
        await WaitUntilPollParkedAsync(server.Echoes[sid]);
        using var socket = await ProbeAsync(Quiet, sid);
        using (var response = await poll)
            Assert.Equal("6", await response.Content.ReadAsStringAsync());
        await SendTextAsync(socket, "5");
        await SendTextAsync(socket, "4hello");
        Assert.Equal("4hello", await ReceiveTextAsync(socket));
    }

    [Fact]
    public async Task Upgrade_PollRacingTheUpgradePacket_IsRefusedAsAfterTheUpgrade()
    {
        // The client sends "5" and polls at once, after it read "3probe". Whichever the server reads first, the poll is
        // the upgraded session's and gets 400: read first, it waits for the upgrade. On a clock that stands still, so
        // the 100-ms check interval (which answers a noop; SessionClockTests) cannot end that wait on a slow machine.
        var sid = await OpenPollingAsync(Stopped);
        using var socket = await ProbeAsync(Stopped, sid);
        var poll = Http.GetAsync(Poll(Stopped, sid));
        await SendTextAsync(socket, "5");
        using (var response = await poll)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("\"code\":3", await response.Content.ReadAsStringAsync());
        }
        await SendTextAsync(socket, "4hello");
        Assert.Equal("4hello", await ReceiveTextAsync(socket));
    }

    [Fact]
    public async Task Upgrade_PollSentBeforeTheUpgradePacket_WaitsForItAndIsRefused()
    {
        // The other order, made certain: the poll reaches the server and is held before "5" is sent.
        var sid = await OpenPollingAsync(Stopped);
        using var socket = await ProbeAsync(Stopped, sid);
        var session = server.Echoes[sid];
        var held = server.StoppedClock.TimersMadeFor(EngineServer.UpgradeCheckInterval);
        var poll = Http.GetAsync(Poll(Stopped, sid));
        await WaitUntilAsync(() => server.StoppedClock.TimersMadeFor(EngineServer.UpgradeCheckInterval) == held + 1, "the poll was never held for the upgrade");
        Assert.False(poll.IsCompleted);
        await SendTextAsync(socket, "5");
        using (var response = await poll)
            await AssertErrorAsync(response, 3);
        Assert.Equal("websocket", session.Transport);
    }

    [Fact]
    public async Task Upgrade_PollDuringAnsweredProbe_GetsANoopAfterTheCheckInterval()
    {
        var sid = await OpenPollingAsync(Quiet);
        using var socket = await ProbeAsync(Quiet, sid);
        // Held for Node's 100 ms upgrade check (timed in SessionClockTests), then released with a noop.
        Assert.Equal("6", await PollTextAsync(Poll(Quiet, sid)));
        await SendTextAsync(socket, "5");
        await SendTextAsync(socket, "4hello");
        Assert.Equal("4hello", await ReceiveTextAsync(socket));
    }

    [Fact]
    public async Task Upgrade_NotCompletedInTime_ClosesTheSocketAndPollingCarriesOn()
    {
        var sid = await OpenPollingAsync(Small); // UpgradeTimeout 300
        using var socket = await ProbeAsync(Small, sid);
        await ExpectCloseAsync(socket); // after UpgradeTimeout (timed in SessionClockTests)
        using (await PostAsync(Poll(Small, sid), "4still polling")) { }
        Assert.Equal("4still polling", await PollTextAsync(Poll(Small, sid)));
    }

    [Fact]
    public async Task HandshakePoll_CarriesOnlyTheOpenPacket()
    {
        var text = await Http.GetStringAsync($"{Recorded}?EIO=4&transport=polling&greet=1");
        Assert.DoesNotContain(RS, text);
        var sid = SidOf(text);
        Assert.Equal("4welcome", await PollTextAsync(Poll(Recorded, sid)));
    }

    [Fact]
    public async Task SecondWebSocketForAnUpgradedSession_IsClosed()
    {
        var sid = await OpenPollingAsync(Quiet);
        using var socket = await ProbeAsync(Quiet, sid);
        await SendTextAsync(socket, "5");

        using var second = await ConnectAsync(server.WebSocketUri($"{Quiet}?EIO=4&transport=websocket&sid={sid}"));
        await ExpectCloseAsync(second);

        await SendTextAsync(socket, "4still here");
        Assert.Equal("4still here", await ReceiveTextAsync(socket));
    }

    // ---------------- heartbeat ----------------

    [Fact]
    public async Task PollingV4_ServerPingsAndPongKeepsTheSession()
    {
        // End to end over HTTP; the intervals themselves are checked on a fake clock in SessionClockTests.
        var sid = await OpenPollingAsync(Suite);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("2", await PollTextAsync(Poll(Suite, sid)));
            using var pong = await PostAsync(Poll(Suite, sid), "3");
            Assert.Equal(HttpStatusCode.OK, pong.StatusCode);
        }
    }

    [Fact]
    public async Task PollingV4_SilentSessionClosesAfterIntervalPlusTimeout()
    {
        // The deadline itself is checked on a fake clock (SessionClockTests); here, that a silent polling session
        // ends with "ping timeout" and its sid is then unknown. Waiting a fixed 500 ms raced the timer on a busy machine.
        var sid = await OpenPollingAsync(RecordedFast);
        Assert.Equal("ping timeout", await server.Recorder[sid].WaitClosedAsync());
        using var poll = await Http.GetAsync(Poll(RecordedFast, sid));
        await AssertErrorAsync(poll, 1);
    }

    [Fact]
    public async Task WebSocketV4_PingThenCloseOnTimeout()
    {
        using var socket = await ConnectAsync(server.WebSocketUri($"{RecordedFast}?EIO=4&transport=websocket"));
        var sid = SidOf(await ReceiveTextAsync(socket));
        Assert.Equal("2", await ReceiveTextAsync(socket));
        await ExpectCloseAsync(socket, (int)Patience.TotalMilliseconds);
        Assert.Equal("ping timeout", await server.Recorder[sid].WaitClosedAsync());
    }

    [Fact]
    public async Task PollingV3_ClientPingIsAnsweredWithItsData()
    {
        var sid = await OpenPollingAsync(Suite, eio: 3, extra: "&b64=1");
        using (await PostAsync(Poll(Suite, sid, 3), "1:2")) { }
        Assert.Equal("1:3", await PollTextAsync(Poll(Suite, sid, 3)));
        using (await PostAsync(Poll(Suite, sid, 3), "6:2probe")) { }
        Assert.Equal("6:3probe", await PollTextAsync(Poll(Suite, sid, 3)));
    }

    [Fact]
    public async Task WebSocketV3_ClientPingAnsweredAndSilenceCloses()
    {
        using var socket = await ConnectAsync(server.WebSocketUri($"{RecordedFast}?EIO=3&transport=websocket"));
        var sid = SidOf(await ReceiveTextAsync(socket));
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(200);
            await SendTextAsync(socket, "2");
            Assert.Equal("3", await ReceiveTextAsync(socket));
        }
        // 600 ms of pings kept it open; now silence closes it (how soon: SessionClockTests).
        await ExpectCloseAsync(socket, (int)Patience.TotalMilliseconds);
        Assert.Equal("ping timeout", await server.Recorder[sid].WaitClosedAsync());
    }

    // ---------------- CORS ----------------

    [Fact]
    public async Task Preflight_AnyOrigin()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, $"{Suite}?EIO=4&transport=polling");
        request.Headers.Add("Origin", "https://anywhere.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("GET,HEAD,PUT,PATCH,POST,DELETE", Header(response, "Access-Control-Allow-Methods"));
        Assert.Equal("content-type", Header(response, "Access-Control-Allow-Headers"));
    }

    [Fact]
    public async Task CorsList_AllowedOriginIsReflectedWithCredentials()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Cors}?EIO=4&transport=polling");
        request.Headers.Add("Origin", AllowedOrigin);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(AllowedOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Contains("Origin", response.Headers.Vary);
    }

    [Theory]
    [InlineData(Cors, "https://evil.example")]
    [InlineData(SameOrigin, "https://evil.example")]
    [InlineData(SameOrigin, "null")]
    public async Task DisallowedOrigin_IsForbidden(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{path}?EIO=4&transport=polling");
        request.Headers.Add("Origin", origin);
        using var response = await Http.SendAsync(request);
        await AssertErrorAsync(response, 4, HttpStatusCode.Forbidden);
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task SameOrigin_AllowsItsOwnOriginWithoutCorsHeaders()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{SameOrigin}?EIO=4&transport=polling");
        request.Headers.Add("Origin", server.BaseUri.GetLeftPart(UriPartial.Authority));
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData(Cors, "https://evil.example", false)]
    [InlineData(SameOrigin, "https://evil.example", false)]
    [InlineData(Cors, AllowedOrigin, true)]
    public async Task WebSocketHandshake_ChecksTheOrigin(string path, string origin, bool allowed)
    {
        var uri = server.WebSocketUri($"{path}?EIO=4&transport=websocket");
        if (allowed)
        {
            using var socket = await ConnectAsync(uri, origin);
            Assert.StartsWith("0{", await ReceiveTextAsync(socket));
            return;
        }
        using var refused = new ClientWebSocket();
        refused.Options.CollectHttpResponseDetails = true;
        refused.Options.SetRequestHeader("Origin", origin);
        await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(uri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, refused.HttpStatusCode);
    }

    // ---------------- options ----------------

    [Fact]
    public void AddEngineIO_BindsConfigurationAndReplacesArrayDefaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EngineIO:Path"] = "/engine.io/",
            ["EngineIO:PingInterval"] = "1000",
            ["EngineIO:Transports:0"] = "websocket",
            ["EngineIO:Cors:AllowedOrigins:0"] = "https://a.example",
            ["EngineIO:Cors:AllowCredentials"] = "true",
            ["EngineIO:MaxPacketsPerPoll"] = "10",
        }).Build();
        using var provider = new ServiceCollection().AddEngineIO(configuration.GetSection(EngineIOOptions.SectionName)).BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<EngineIOOptions>>().Value;
        Assert.Equal("/engine.io/", options.Path);
        Assert.Equal(1000, options.PingInterval);
        Assert.Equal(20000, options.PingTimeout);
        Assert.Equal(["websocket"], options.Transports);
        Assert.Equal(["https://a.example"], options.Cors.AllowedOrigins);
        Assert.True(options.Cors.AllowCredentials);
        Assert.Equal(10, options.MaxPacketsPerPoll);
        Assert.Equal(1_000_000, options.MaxHttpBufferSize);
    }

    // ---------------- helpers ----------------

    private async Task<string> OpenPollingAsync(string path, int eio = 4, string extra = "")
    {
        var text = await Http.GetStringAsync($"{path}?EIO={eio}&transport=polling{extra}");
        return SidOf(eio == 4 ? text : text[(text.IndexOf(':') + 1)..]);
    }

    private static string SidOf(string openPacket)
    {
        using var json = JsonDocument.Parse(openPacket[1..]);
        return json.RootElement.GetProperty("sid").GetString()!;
    }

    private static string Poll(string path, string sid, int eio = 4) => $"{path}?EIO={eio}&transport=polling&sid={sid}";

    private Task<HttpResponseMessage> PostAsync(string url, string body) =>
        Http.PostAsync(url, new StringContent(body, Encoding.UTF8, "text/plain"));

    private async Task<string> PollTextAsync(string url)
    {
        using var response = await Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, int code, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var message = code switch
        {
            0 => "Transport unknown",
            1 => "Session ID unknown",
            2 => "Bad handshake method",
            3 => "Bad request",
            4 => "Forbidden",
            _ => "Unsupported protocol version",
        };
        Assert.Equal($$"""{"code":{{code}},"message":"{{message}}"}""", await response.Content.ReadAsStringAsync());
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    /// <summary>A body sent chunked (no Content-Length), so the server can only find its size by reading it.</summary>
    private sealed class UnknownLengthContent(byte[] data) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(data).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

}

/// <summary>
/// The Engine.IO tests check heartbeats of a few hundred milliseconds: they run alone, not beside the
/// collections that start silos and gateways as processes (which made them miss those windows on 2 cores).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EngineIOTimingCollection
{
    public const string Name = "Engine.IO timings";
}
