using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Gateway.WarmUp;

namespace OrleansSocket.Tests.WarmUp;

/// <summary>
/// When the start-up warm-up stops: after the first round in which the processes that answered it (and this one)
/// compiled at most <see cref="WarmUpOptions.SettledMethods"/> methods, or at <see cref="WarmUpOptions.MaxDuration"/>;
/// a failed round is retried after <see cref="WarmUpLoop.RetryDelay"/>; after each round it waits for this process's
/// compiler to go quiet (<see cref="WarmUpOptions.CompilerQuietPeriod"/>). Rounds here are scripted, the clock is fake.
/// </summary>
public sealed class WarmUpLoopTests
{
    private const string Silo = "silo-host/42";
    private readonly FakeTimeProvider _time = new();
    // No wait for a quiet compiler here but in the tests of that wait: the scripted rounds are the compilers.
    private readonly WarmUpOptions _options = new() { SettledMethods = 50, MaxDuration = TimeSpan.FromSeconds(30), CompilerQuietPeriod = TimeSpan.Zero };
    private long _local = 1_000;
    private readonly List<string> _failures = [];

    private void Failed(Exception e) => _failures.Add(e.Message);

    private WarmUpLoop Loop() => new(_options, _time, () => _local);

    /// <summary>Scripted rounds of 200 ms each: the methods this process compiles in each, and the silo's total after it (the last repeats).</summary>
    private Func<CancellationToken, Task<WarmUpRound>> Rounds(params (long local, long silo)[] script)
    {
        var next = 0;
        return _ =>
        {
            var (local, silo) = script[Math.Min(next++, script.Length - 1)];
            _local += local;
            _time.Advance(TimeSpan.FromMilliseconds(200));
            return Task.FromResult(new WarmUpRound(2_000, new Dictionary<string, long> { [Silo] = silo }));
        };
    }

    [Fact]
    public async Task Stops_after_the_first_round_that_compiled_at_most_the_settled_count_in_all_processes()
    {
        // Silo counts are totals: 3 000, then +400, +100, +30; this process +500, +200, +20, +20.
        var result = await Loop().RunAsync(Rounds((500, 3_000), (200, 3_400), (20, 3_500), (20, 3_530)), Failed, CancellationToken.None);

        Assert.Equal(WarmUpEnd.Settled, result.End);
        Assert.Equal(4, result.Rounds); // round 3 compiled 20 + 100 = 120 > 50; round 4 compiled 20 + 30 = 50
        Assert.Equal(8_000, result.Events);
        Assert.Equal(740, result.LocalMethods);
        Assert.Equal(2, result.Processes);
        Assert.Equal(TimeSpan.FromMilliseconds(800), result.Elapsed);
    }

    [Fact]
    public async Task The_first_round_never_settles_and_a_process_seen_for_the_first_time_counts_all_its_methods()
    {
        var next = 0;
        var result = await Loop().RunAsync(_ =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            // Round 1: one silo; round 2: nothing compiled there, but a second silo answers; round 3: both quiet.
            var compiled = new Dictionary<string, long> { [Silo] = 3_000 };
            if (++next >= 2) compiled["other-silo/7"] = 2_900;
            return Task.FromResult(new WarmUpRound(10, compiled));
        }, Failed, CancellationToken.None);

        Assert.Equal(WarmUpEnd.Settled, result.End);
        Assert.Equal(3, result.Rounds);
        Assert.Equal(3, result.Processes);
    }

    [Fact]
    public async Task Times_out_when_the_compilers_never_settle()
    {
        var result = await Loop().RunAsync(Rounds((51, 0)), Failed, CancellationToken.None);

        Assert.Equal(WarmUpEnd.TimedOut, result.End);
        Assert.Equal(150, result.Rounds); // 30 s of 200-ms rounds
        Assert.Equal(TimeSpan.FromSeconds(30), result.Elapsed);
    }

    [Fact]
    public async Task A_round_still_running_at_the_deadline_is_cancelled()
    {
        CancellationToken seen = default;
        var loop = Loop().RunAsync(async ct =>
        {
            seen = ct;
            await Task.Delay(Timeout.Infinite, ct);
            return new WarmUpRound(0, new Dictionary<string, long>());
        }, Failed, CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.False(loop.IsCompleted);
        _time.Advance(TimeSpan.FromTicks(1));
        var result = await loop;

        Assert.True(seen.IsCancellationRequested);
        Assert.Equal(WarmUpEnd.TimedOut, result.End);
        Assert.Equal(0, result.Rounds);
        Assert.Empty(_failures);
    }

    [Fact]
    public async Task A_failed_round_is_retried_after_the_delay_and_the_warm_up_goes_on()
    {
        var calls = 0;
        var rounds = Rounds((0, 3_000), (0, 3_000));
        var loop = Loop().RunAsync(ct => ++calls == 1 ? throw new InvalidOperationException("no silo yet") : rounds(ct), Failed, CancellationToken.None);

        Assert.Equal(1, calls);
        _time.Advance(WarmUpLoop.RetryDelay - TimeSpan.FromTicks(1));
        Assert.Equal(1, calls);
        _time.Advance(TimeSpan.FromTicks(1));
        var result = await loop;

        Assert.Equal(["no silo yet"], _failures);
        Assert.Equal(WarmUpEnd.Settled, result.End);
        Assert.Equal(2, result.Rounds);
        Assert.Null(result.LastFailure);
    }

    [Fact]
    public async Task Rounds_that_keep_failing_end_it_at_the_deadline_as_failed()
    {
        var loop = Loop().RunAsync(_ => throw new InvalidOperationException("refused"), Failed, CancellationToken.None);
        for (var waited = TimeSpan.Zero; waited < _options.MaxDuration; waited += WarmUpLoop.RetryDelay)
            _time.Advance(WarmUpLoop.RetryDelay);
        var result = await loop;

        Assert.Equal(WarmUpEnd.Failed, result.End);
        Assert.Equal(0, result.Rounds);
        Assert.Equal("refused", result.LastFailure);
        Assert.Equal(60, _failures.Count); // at 0, 0.5, …, 29.5 s
    }

    [Fact]
    public async Task The_host_stopping_ends_it()
    {
        using var stopping = new CancellationTokenSource();
        var loop = Loop().RunAsync(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new WarmUpRound(0, new Dictionary<string, long>());
        }, Failed, stopping.Token);

        await stopping.CancelAsync();
        var result = await loop;

        Assert.Equal(WarmUpEnd.Stopped, result.End);
        Assert.Empty(_failures);
    }

    [Fact]
    public async Task After_a_round_it_waits_until_the_compiler_has_compiled_nothing_for_the_quiet_period()
    {
        _options.CompilerQuietPeriod = TimeSpan.FromMilliseconds(100);
        var calls = 0;
        var rounds = Rounds((500, 3_000), (0, 3_000));
        var loop = Loop().RunAsync(ct => { calls++; return rounds(ct); }, Failed, CancellationToken.None);
        Assert.Equal(1, calls);

        // The round's tier-up goes on in the background: 300 methods in the first 100 ms, 40 in the next.
        _local += 300;
        _time.Advance(TimeSpan.FromMilliseconds(100));
        _local += 40;
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, calls);
        _time.Advance(TimeSpan.FromMilliseconds(100) - TimeSpan.FromTicks(1));
        Assert.Equal(1, calls); // not yet 100 ms without a compilation
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(2, calls);

        // Round 2 compiled nothing, and the compiler stays quiet: one more period, and it has settled.
        _time.Advance(TimeSpan.FromMilliseconds(100));
        var result = await loop;
        Assert.Equal(WarmUpEnd.Settled, result.End);
        Assert.Equal(2, result.Rounds);
        Assert.Equal(840, result.LocalMethods);
        Assert.Equal(TimeSpan.FromMilliseconds(800), result.Elapsed); // 200 + 300 of waiting + 200 + 100
    }

    [Fact]
    public async Task A_compiler_that_never_goes_quiet_ends_the_wait_at_the_deadline()
    {
        _options.CompilerQuietPeriod = TimeSpan.FromMilliseconds(100);
        var loop = Loop().RunAsync(Rounds((500, 3_000)), Failed, CancellationToken.None);

        for (var waited = TimeSpan.FromMilliseconds(200); waited < _options.MaxDuration; waited += TimeSpan.FromMilliseconds(100))
        {
            Assert.False(loop.IsCompleted);
            _local += 1;
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }
        var result = await loop;

        Assert.Equal(WarmUpEnd.TimedOut, result.End);
        Assert.Equal(1, result.Rounds);
        Assert.Equal(TimeSpan.FromSeconds(30), result.Elapsed);
        Assert.Empty(_failures);
    }
}
