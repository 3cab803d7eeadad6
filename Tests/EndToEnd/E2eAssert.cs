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
}
