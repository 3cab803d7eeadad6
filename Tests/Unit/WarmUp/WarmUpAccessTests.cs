using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.WarmUp;

namespace OrleansSocket.Tests.WarmUp;

/// <summary>Only this process's warm-up joins its namespace: its key, over loopback. A proxy on the same host forwards from loopback too.</summary>
public sealed class WarmUpAccessTests
{
    private static EngineHandshake Handshake(string? remote, string? key)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (key is not null) headers[WarmUpAccess.KeyHeader.ToLowerInvariant()] = key;
        return new EngineHandshake(headers, new Dictionary<string, string>(), remote, "/socket.io/", false, DateTimeOffset.UnixEpoch);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void The_warm_ups_key_over_loopback_is_admitted(string remote) =>
        Assert.True(WarmUpAccess.Admits(Handshake(remote, WarmUpAccess.Key)));

    [Theory]
    [InlineData("127.0.0.1", null)]
    [InlineData("127.0.0.1", "")]
    [InlineData("127.0.0.1", "00000000000000000000000000000000")]
    [InlineData("10.0.0.7", "KEY")]
    [InlineData(null, "KEY")]
    public void Anything_else_is_not(string? remote, string? key) =>
        Assert.False(WarmUpAccess.Admits(Handshake(remote, key == "KEY" ? WarmUpAccess.Key : key)));
}
