using System.Text;
using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Tests.Sessions;

/// <summary>Which CONNECT auth objects name a session to recover: only the pid and offset shapes the server hands out.</summary>
public sealed class RecoveryAuthTests
{
    private static readonly string SocketId = SocketIds.New();
    private static readonly string Pid = RecoveryTokens.NewPid(SocketId);
    private static readonly string Offset = RecoveryTokens.Offset(RecoveryTokens.NewEpoch(), long.MaxValue);

    private static RecoveryAuth.Result Read(string json, out string socketId) =>
        RecoveryAuth.Read(Encoding.UTF8.GetBytes(json), out _, out _, out socketId);

    [Fact]
    public void The_shapes_the_server_hands_out_are_looked_up()
    {
        Assert.Equal(RecoveryTokens.SocketIdLength, SocketId.Length);
        Assert.Equal(RecoveryTokens.PidLength, Pid.Length);
        Assert.Equal(RecoveryTokens.MaxOffsetLength, Offset.Length);
        Assert.Equal(RecoveryAuth.Result.WellFormed, Read($"{{\"user\":1,\"pid\":\"{Pid}\",\"offset\":\"{Offset}\"}}", out var id));
        Assert.Equal(SocketId, id);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"pid\":\"x\"}")]
    [InlineData("{\"offset\":\"0badcafe-1\"}")]
    [InlineData("{\"pid\":1,\"offset\":2}")]
    [InlineData("[]")]
    public void Without_both_strings_it_is_an_ordinary_connect(string json) =>
        Assert.Equal(RecoveryAuth.Result.None, Read(json, out _));

    [Theory]
    [InlineData("random.x", null)] // the issue's attacker string
    [InlineData(null, "1")]
    [InlineData(null, "0BADCAFE-1")] // offsets are lower-case hex
    [InlineData(null, "0badcafe-11111111111111111")] // one digit more than a 64-bit sequence
    public void Other_shapes_are_malformed(string? pid, string? offset) =>
        Assert.Equal(RecoveryAuth.Result.Malformed, Read($"{{\"pid\":\"{pid ?? Pid}\",\"offset\":\"{offset ?? Offset}\"}}", out _));

    [Fact]
    public void A_pid_one_character_too_long_or_of_other_characters_is_malformed()
    {
        Assert.Equal(RecoveryAuth.Result.Malformed, Read($"{{\"pid\":\"{Pid}0\",\"offset\":\"{Offset}\"}}", out _));
        Assert.Equal(RecoveryAuth.Result.Malformed, Read($"{{\"pid\":\"{Pid[..^1]}g\",\"offset\":\"{Offset}\"}}", out _));
        Assert.Equal(RecoveryAuth.Result.Malformed, Read($"{{\"pid\":\"{"!" + Pid[1..]}\",\"offset\":\"{Offset}\"}}", out _));
        Assert.Equal(RecoveryAuth.Result.Malformed, Read($"{{\"pid\":\"{new string('a', 400_000)}\",\"offset\":\"{Offset}\"}}", out _));
    }
}
