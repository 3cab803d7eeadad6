namespace OrleansSocket.Gateway.WarmUp;

/// <summary>What the start-up warm-up logs; event ids 1400–1499.</summary>
internal static partial class WarmUpLog
{
    [LoggerMessage(1400, LogLevel.Information, "Warm-up: {Connections} connections × {Events} events a round, {Concurrency} at a time, to {Endpoint}")]
    public static partial void Started(ILogger logger, int connections, int events, int concurrency, string endpoint);

    [LoggerMessage(1401, LogLevel.Information, "Warm-up {End} after {Rounds} rounds ({Events} events) in {Milliseconds:0} ms, following {Processes} processes' compilers; this one compiled {Methods} methods meanwhile")]
    public static partial void Finished(ILogger logger, WarmUpEnd end, int rounds, long events, double milliseconds, int processes, long methods);

    [LoggerMessage(1402, LogLevel.Debug, "Warm-up round failed: {Reason}")]
    public static partial void RoundFailed(ILogger logger, string reason);

    [LoggerMessage(1403, LogLevel.Warning, "Warm-up ended without a complete round in {Milliseconds:0} ms: {Reason}")]
    public static partial void NoRound(ILogger logger, double milliseconds, string reason);

    [LoggerMessage(1404, LogLevel.Warning, "Warm-up skipped: {Reason}")]
    public static partial void Skipped(ILogger logger, string reason);
}
