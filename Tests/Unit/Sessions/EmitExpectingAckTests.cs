using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Tests.Sessions;

/// <summary>
/// A socket grain's emit that wants the client's answer, as the gateway takes it (<see cref="IGatewayObserver.SendExpectingAck"/>
/// then <see cref="IGatewayObserver.AckOf"/>): the packet is written by the time the first call returns, so nothing
/// the socket sends after it can overtake it, and the outcome waits for the second call.
/// </summary>
public sealed class EmitExpectingAckTests
{
    private static OutboundPacket Question(string text) =>
        new("/", "question", new SocketPayload(Encoding.UTF8.GetBytes($"[\"{text}\"]")));

    private static (SessionHarness Harness, IGatewayObserver Gateway, string SocketId) Connected(TimeProvider? time = null)
    {
        var h = new SessionHarness(new SocketIOOptions(), time: time);
        h.Receive("0");
        Assert.True(h.Sent.TryDequeue(out var connect));
        var id = JsonDocument.Parse(connect[1..]).RootElement.GetProperty("sid").GetString()!;
        return (h, new GatewayObserver(h.Server), id);
    }

    [Fact]
    public async Task The_packet_is_written_when_the_send_returns_and_an_answer_before_AckOf_is_kept()
    {
        var (h, gateway, id) = Connected();

        var ackId = await gateway.SendExpectingAck(id, Question("sure?"), TimeSpan.FromSeconds(30));
        Assert.Equal($"2{ackId}[\"question\",\"sure?\"]", Assert.Single(h.Sent));

        h.Receive($"3{ackId}[\"yes\"]"); // the client answers before the grain asks for the answer
        var answer = await gateway.AckOf(id, ackId).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("[\"yes\"]", Encoding.UTF8.GetString(answer.ArgsJson));
        await Assert.ThrowsAsync<InvalidOperationException>(() => gateway.AckOf(id, ackId)); // taken once
    }

    [Fact]
    public async Task AckOf_waits_for_the_answer_and_each_id_gets_its_own()
    {
        var (h, gateway, id) = Connected();
        var first = await gateway.SendExpectingAck(id, Question("one"), TimeSpan.FromSeconds(30));
        var second = await gateway.SendExpectingAck(id, Question("two"), TimeSpan.FromSeconds(30));
        Assert.NotEqual(first, second);
        Assert.Equal([$"2{first}[\"question\",\"one\"]", $"2{second}[\"question\",\"two\"]"], h.Sent);

        var secondAnswer = gateway.AckOf(id, second);
        var firstAnswer = gateway.AckOf(id, first);
        Assert.False(secondAnswer.IsCompleted);
        h.Receive($"3{second}[2]");
        h.Receive($"3{first}[1]");
        Assert.Equal("[1]", Encoding.UTF8.GetString((await firstAnswer.WaitAsync(TimeSpan.FromSeconds(5))).ArgsJson));
        Assert.Equal("[2]", Encoding.UTF8.GetString((await secondAnswer.WaitAsync(TimeSpan.FromSeconds(5))).ArgsJson));
    }

    [Fact]
    public async Task The_timeout_runs_from_the_write_and_AckOf_reports_it_when_it_passed_first()
    {
        var time = new FakeTimeProvider();
        var (h, gateway, id) = Connected(time);
        var ackId = await gateway.SendExpectingAck(id, Question("late"), TimeSpan.FromSeconds(2));

        time.Advance(TimeSpan.FromSeconds(2)); // no answer within the timeout, and the grain has not asked yet
        var error = await Assert.ThrowsAsync<TimeoutException>(() => gateway.AckOf(id, ackId).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("did not acknowledge 'question' within 2000 ms", error.Message);
        h.Receive($"3{ackId}[\"too late\"]"); // ignored
    }

    [Fact]
    public async Task A_socket_that_is_gone_takes_no_emit()
    {
        var (h, gateway, _) = Connected();
        await Assert.ThrowsAsync<InvalidOperationException>(() => gateway.SendExpectingAck("unknown", Question("?"), TimeSpan.FromSeconds(1)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => gateway.AckOf("unknown", 0));
        Assert.Empty(h.Sent);
    }
}
