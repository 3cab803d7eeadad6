using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

internal static class E2eAssert
{
    /// <summary>Logs the command's output and fails with it (and the server's output) unless it exited 0.</summary>
    public static void Succeeded(ProcessResult result, ServerFixture server, ITestOutputHelper output)
    {
        output.WriteLine(result.Describe());
        if (!result.Succeeded)
        {
            Assert.Fail($"{result.Describe()}\n{server.Describe()}");
        }
    }

    /// <summary>Runs <c>node SCRIPT BASEURL ARGS...</c> in Tests/clients against the started server; fails as <see cref="Succeeded"/>.</summary>
    public static async Task NodeScriptSucceedsAsync(ServerFixture server, ITestOutputHelper output, string script, params string[] arguments)
    {
        E2eEnvironment.RequireNodeModules();
        server.EnsureStarted();
        var result = await ExternalProcess.RunAsync("node", [script, server.BaseUrl, .. arguments], E2eEnvironment.ClientsDir, TimeSpan.FromSeconds(60));
        Succeeded(result, server, output);
    }
}
