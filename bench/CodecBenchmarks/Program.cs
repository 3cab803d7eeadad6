using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace OrleansSocket.Bench.CodecBenchmarks;

/// <summary>
/// Socket.IO codec micro-benchmarks: time and allocations per packet.
/// <c>dotnet run -c Release --project bench/CodecBenchmarks -- --filter '*'</c> for a full run;
/// <c>--job dry</c> for a quick check that everything runs (add <c>--inProcess</c> to skip building
/// BenchmarkDotNet's separate boilerplate project).
/// </summary>
public static class BenchmarkProgram
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly)
            // The boilerplate project references the gateway and Orleans' code generation: on a 2-core box its
            // build can take longer than BenchmarkDotNet's default 2 minutes.
            .Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10)));
}
