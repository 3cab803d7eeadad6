using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// samples/QuickStart's console log after socket.io-client traffic: OrleansSocket's own lines, not the Polly
/// lines Orleans writes per grain placement (filtered to Warning by default), unless configuration asks for them.
/// </summary>
[Collection(QuickStartServerCollection.Name)]
public sealed class QuickStartLoggingTests(QuickStartServerFixture server, ITestOutputHelper output)
{
    [Fact]
    public async Task Placement_chatter_is_filtered_and_OrleansSocket_lines_stay()
    {
        await E2eAssert.NodeScriptSucceedsAsync(server, output, "quickstart-client.js", "30000");
        var log = server.Output;
        Assert.Contains("info: OrleansSocket.Gateway.Membership.GatewayMembership", log);
        Assert.DoesNotContain("info: Polly[", log);
    }
}

/// <summary>With <c>Logging:LogLevel:Polly=Information</c> the application's rule replaces the library's default.</summary>
[Collection(QuickStartWithPollyLogsCollection.Name)]
public sealed class QuickStartPollyLogsTests(QuickStartWithPollyLogsFixture server, ITestOutputHelper output)
{
    [Fact]
    public async Task Configuration_turns_the_Polly_lines_back_on()
    {
        await E2eAssert.NodeScriptSucceedsAsync(server, output, "quickstart-client.js", "30000");
        // The console logger writes from its own queue: wait for the line rather than read once.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!server.Output.Contains("info: Polly[", StringComparison.Ordinal) && !cts.IsCancellationRequested)
            await Task.Delay(100);
        Assert.Contains("Resilience pipeline executed. Source: 'Orleans.Placement", server.Output);
    }
}

/// <summary>samples/QuickStart started with <c>--Logging:LogLevel:Polly Information</c>.</summary>
public sealed class QuickStartWithPollyLogsFixture : QuickStartServerFixture
{
    protected override IReadOnlyList<string> ExtraArguments => ["--Logging:LogLevel:Polly", "Information"];
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class QuickStartWithPollyLogsCollection : ICollectionFixture<QuickStartWithPollyLogsFixture>
{
    public const string Name = "E2E QuickStart sample with Polly's information lines";
}
