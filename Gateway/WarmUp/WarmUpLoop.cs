using OrleansSocket.Gateway.Hosting;

namespace OrleansSocket.Gateway.WarmUp;

/// <summary>How a warm-up ended.</summary>
internal enum WarmUpEnd
{
    /// <summary>A round left the compilers with at most <see cref="WarmUpOptions.SettledMethods"/> methods to compile.</summary>
    Settled,

    /// <summary><see cref="WarmUpOptions.MaxDuration"/> passed first.</summary>
    TimedOut,

    /// <summary><see cref="WarmUpOptions.MaxDuration"/> passed with the last round failed.</summary>
    Failed,

    /// <summary>The host stopped.</summary>
    Stopped,
}

/// <summary>One round as its connections saw it.</summary>
/// <param name="Events">The acked events it ran.</param>
/// <param name="Compiled">The methods compiled so far by each process that handled its events (by <see cref="WarmUpNamespace.ProcessKey"/>).</param>
internal sealed record WarmUpRound(long Events, IReadOnlyDictionary<string, long> Compiled);

/// <summary>What a warm-up did.</summary>
/// <param name="End">How it ended.</param>
/// <param name="Rounds">Rounds completed.</param>
/// <param name="Events">Acked events of those rounds.</param>
/// <param name="LocalMethods">Methods this process compiled while it ran.</param>
/// <param name="Processes">Processes whose compilers it followed in its last round (this one and the silos that answered).</param>
/// <param name="Elapsed">How long it ran.</param>
/// <param name="LastFailure">Why the last round failed, if it did.</param>
internal sealed record WarmUpResult(WarmUpEnd End, int Rounds, long Events, long LocalMethods, int Processes, TimeSpan Elapsed, string? LastFailure);

/// <summary>
/// Runs warm-up rounds until one leaves the JIT compilers of this process and of the silos that answered it with at
/// most <see cref="WarmUpOptions.SettledMethods"/> methods compiled during the round (the tier-up of what the
/// previous rounds made hot is done), or until <see cref="WarmUpOptions.MaxDuration"/>. After each round it waits for
/// this process's compiler to go quiet (<see cref="WarmUpOptions.CompilerQuietPeriod"/>), so that the next round, and
/// the end, do not leave the round's tier-up behind. A failed round (the silos not reachable yet) is retried after
/// <see cref="RetryDelay"/>.
/// </summary>
/// <param name="options">The rounds' bounds.</param>
/// <param name="time">The clock of <see cref="WarmUpOptions.MaxDuration"/> and <see cref="RetryDelay"/>.</param>
/// <param name="localCompiled">This process's compiled-method count (<see cref="System.Runtime.JitInfo.GetCompiledMethodCount"/>).</param>
internal sealed class WarmUpLoop(WarmUpOptions options, TimeProvider time, Func<long> localCompiled)
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    public async Task<WarmUpResult> RunAsync(Func<CancellationToken, Task<WarmUpRound>> runRound, Action<Exception> roundFailed,
        CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        var localBefore = localCompiled();
        var rounds = 0;
        long events = 0;
        string? failure = null;
        Dictionary<string, long>? previous = null;
        WarmUpResult End(WarmUpEnd end) => new(end, rounds, events, localCompiled() - localBefore, previous?.Count ?? 0, time.GetElapsedTime(start), failure);

        while (true)
        {
            var left = options.MaxDuration - time.GetElapsedTime(start);
            if (cancellationToken.IsCancellationRequested) return End(WarmUpEnd.Stopped);
            if (left <= TimeSpan.Zero) return End(failure is null ? WarmUpEnd.TimedOut : WarmUpEnd.Failed);
            using var deadline = new CancellationTokenSource(left, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            WarmUpRound round;
            try
            {
                round = await runRound(linked.Token);
            }
            catch (Exception) when (linked.IsCancellationRequested)
            {
                continue; // the host stopped or the time is up: the loop's head says which
            }
            catch (Exception e)
            {
                failure = e.Message;
                roundFailed(e);
                try
                {
                    await Task.Delay(RetryDelay, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return End(WarmUpEnd.Stopped);
                }
                continue;
            }
            failure = null;
            rounds++;
            events += round.Events;
            if (!await CompilerQuietAsync(linked.Token))
                continue; // the host stopped or the time is up during the wait: the loop's head says which
            var counts = new Dictionary<string, long>(round.Compiled, StringComparer.Ordinal) { [WarmUpNamespace.ProcessKey] = localCompiled() };
            var settled = previous is not null && Growth(previous, counts) <= options.SettledMethods;
            previous = counts;
            if (settled) return End(WarmUpEnd.Settled);
        }
    }

    /// <summary>
    /// Waits until this process's compiler has compiled nothing for <see cref="WarmUpOptions.CompilerQuietPeriod"/>:
    /// the tier-up a round triggers runs on a background thread that the round's own work keeps from the core, and
    /// what it has not compiled when the warm-up ends would be compiled under the first clients' load. False when
    /// <paramref name="cancellationToken"/> ended the wait.
    /// </summary>
    private async Task<bool> CompilerQuietAsync(CancellationToken cancellationToken)
    {
        if (options.CompilerQuietPeriod <= TimeSpan.Zero) return true;
        var last = localCompiled();
        try
        {
            while (true)
            {
                await Task.Delay(options.CompilerQuietPeriod, time, cancellationToken);
                var now = localCompiled();
                if (now == last) return true;
                last = now;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Methods compiled since <paramref name="before"/>; a process not seen before counts all of its own.</summary>
    private static long Growth(Dictionary<string, long> before, Dictionary<string, long> after)
    {
        long growth = 0;
        foreach (var (process, count) in after)
            growth += count - before.GetValueOrDefault(process);
        return growth;
    }
}
