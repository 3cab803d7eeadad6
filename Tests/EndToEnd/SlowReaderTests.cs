using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// Clients that make the gateway send to them and never read (issue 13, items 1 and 2), against the real gateway
/// process with its default send-queue bounds (<c>SocketIO:Engine:MaxBufferedBytes</c> 4 MB): the offender is closed
/// for its send queue, the gateway's resident memory grows by less than <see cref="RssGrowthLimit"/>, and a
/// well-behaved client on the same gateway keeps getting its acks throughout.
/// </summary>
public sealed class SlowReaderTests(SlowReaderServerFixture server, ITestOutputHelper output) : IClassFixture<SlowReaderServerFixture>
{
    /// <summary>
    /// Peak RSS growth allowed while one offender floods: its send queue (4 MB), what the gateway reads from the flood
    /// before the session closes, and the runtime's own slack. Each flood asks for more replies than this
    /// (docs/performance.md has the figures measured with and without the byte bound).
    /// </summary>
    private const long RssGrowthLimit = 96L * 1024 * 1024;

    /// <summary>
    /// 800 <c>message</c> events of 256 KB, each answered by a <c>message-back</c> of the same size: 200 MB of replies,
    /// below the 4096-packet bound, so only the byte bound can close the session.
    /// </summary>
    [Fact]
    public Task EventFlood_WithoutReading_ClosesTheOffenderOnly()
    {
        var packet = Encoding.UTF8.GetBytes($"42[\"message\",\"{new string('x', 256 * 1024)}\"]");
        return FloodAsync(4, "40", packet, count: 800, replyPrefix: "42[\"message-back\"");
    }

    /// <summary>
    /// An EIO=3 client's 8000 pings of 20 KB, each answered by a pong carrying the same data (160 MB), never read.
    /// </summary>
    [Fact]
    public Task Eio3PingFlood_WithoutReading_ClosesTheOffenderOnly()
    {
        var packet = Encoding.UTF8.GetBytes("2" + new string('p', 20 * 1024));
        return FloodAsync(3, connect: null, packet, count: 8000, replyPrefix: "3p");
    }

    private async Task FloodAsync(int eio, string? connect, byte[] packet, int count, string replyPrefix)
    {
        E2eEnvironment.RequireNodeModules();
        server.EnsureStarted();
        await using var bystander = await RawSocketIOClient.ConnectAsync(server.BaseUrl);
        await bystander.AskAsync();

        var before = ResidentMemory.Read(server.ProcessId);
        long peak;
        int questions = 0, sent = 0;
        using var offender = await RawSocketIOClient.ConnectWebSocketAsync(server.BaseUrl, eio);
        var sid = await ReadSessionIdAsync(offender);
        await using (var memory = ResidentMemory.StartSampling(server.ProcessId))
        {
            if (connect is not null) await offender.SendAsync(Encoding.UTF8.GetBytes(connect), WebSocketMessageType.Text, true, CancellationToken.None);
            var flood = Task.Run(async () =>
            {
                try
                {
                    for (; sent < count; sent++)
                        await offender.SendAsync(packet, WebSocketMessageType.Text, true, CancellationToken.None);
                }
                catch (WebSocketException)
                {
                    // the gateway closed the connection
                }
            });
            while (!flood.IsCompleted)
            {
                await bystander.AskAsync();
                questions++;
                await Task.Delay(50);
            }
            await flood;

            // Reading now, the offender finds some of its replies, then the end of the connection.
            var (replies, closed) = await DrainAsync(offender, replyPrefix);
            Assert.True(closed, $"the offender's connection is still open after {replies} replies");
            await WaitForLogAsync($"Engine.IO session {sid}: send queue full (4000000 bytes), closing");
            Assert.True(replies < count, $"the offender got all {replies} replies: nothing was dropped");
            await bystander.AskAsync();
            peak = memory.PeakBytes;
            output.WriteLine($"EIO={eio}: sent {sent} of {count} packets of {packet.Length} bytes, read back {replies} replies before the close; " +
                $"bystander acks: {questions + 2}; gateway RSS {before / 1048576} MB -> peak {peak / 1048576} MB (+{(peak - before) / 1048576} MB)");
        }
        Assert.True(peak - before < RssGrowthLimit,
            $"the gateway's RSS grew by {(peak - before) / 1048576} MB (limit {RssGrowthLimit / 1048576} MB)");
    }

    private static async Task<string> ReadSessionIdAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.True(result.EndOfMessage && buffer[0] == (byte)'0', "the first message is the open packet");
        using var open = JsonDocument.Parse(buffer.AsMemory(1, result.Count - 1));
        return open.RootElement.GetProperty("sid").GetString()!;
    }

    private async Task WaitForLogAsync(string line)
    {
        var clock = Stopwatch.StartNew();
        while (!server.Output.Contains(line, StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the gateway did not log \"{line}\".\n{server.Describe()}");
            await Task.Delay(50);
        }
    }

    /// <summary>Reads what reached the offender until its connection ends (or 20 s pass): replies counted, and whether it ended.</summary>
    private static async Task<(int Replies, bool Closed)> DrainAsync(WebSocket socket, string replyPrefix)
    {
        var prefix = Encoding.UTF8.GetBytes(replyPrefix);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[64 * 1024];
        var head = new byte[prefix.Length]; // a message's first bytes, which may come in several fragments
        var headLength = 0;
        var replies = 0;
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close) return (replies, true);
                var take = Math.Min(result.Count, head.Length - headLength);
                buffer.AsSpan(0, take).CopyTo(head.AsSpan(headLength));
                headLength += take;
                if (!result.EndOfMessage) continue;
                if (headLength == head.Length && head.AsSpan().SequenceEqual(prefix)) replies++;
                headLength = 0;
            }
        }
        catch (OperationCanceledException)
        {
            return (replies, false);
        }
        catch (WebSocketException)
        {
            return (replies, true); // reset without a close frame: the gateway aborted it
        }
    }
}

/// <summary>
/// The protocol profile with the default heartbeat (25 s / 20 s): its 300/200 ms one, set for the conformance suites,
/// closes a client whose pong is delayed by the load the floods cause, the bystander included.
/// </summary>
public sealed class SlowReaderServerFixture : ServerFixture
{
    protected override string? Profile => "protocol";

    protected override IReadOnlyList<string> ExtraArguments =>
        ["--SocketIO:Engine:PingInterval", "25000", "--SocketIO:Engine:PingTimeout", "20000"];
}
