using OrleansSocket.Gateway.EngineIO;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>The WebSocket writer's wake-up: a signal of one that drops further signals, one waiter at a time.</summary>
public sealed class WakeSignalTests
{
    [Fact]
    public async Task A_signal_before_the_wait_completes_the_wait_at_once_and_is_consumed()
    {
        var signal = new WakeSignal();
        signal.Set();
        signal.Set(); // dropped: one signal is pending at most
        var first = signal.WaitAsync(CancellationToken.None);
        Assert.True(first.IsCompletedSuccessfully);
        await first;
        var second = signal.WaitAsync(CancellationToken.None);
        Assert.False(second.IsCompleted);
        signal.Set();
        await second.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_signal_completes_a_waiting_task_and_the_next_wait_waits_again()
    {
        var signal = new WakeSignal();
        using var cts = new CancellationTokenSource();
        for (var i = 0; i < 100; i++)
        {
            var wait = signal.WaitAsync(cts.Token).AsTask();
            Assert.False(wait.IsCompleted);
            signal.Set();
            await wait.WaitAsync(TimeSpan.FromSeconds(10));
        }
        Assert.False(signal.WaitAsync(cts.Token).IsCompleted);
    }

    [Fact]
    public async Task Cancelling_the_token_ends_the_wait_with_OperationCanceledException()
    {
        var signal = new WakeSignal();
        using var cts = new CancellationTokenSource();
        var wait = signal.WaitAsync(cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(10)));
        // A signal after the cancelled wait is kept for the next one.
        signal.Set();
        Assert.True(signal.WaitAsync(CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_cancelled_token_fails_the_wait_even_when_signalled()
    {
        var signal = new WakeSignal();
        signal.Set();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => signal.WaitAsync(cts.Token).AsTask());
    }

    [Fact]
    public async Task A_signal_racing_with_the_start_of_a_wait_is_never_lost()
    {
        var signal = new WakeSignal();
        for (var i = 0; i < 5_000; i++)
        {
            // One signal per round, from another thread, before, during or after the wait starts: the wait must end.
            var setter = Task.Run(signal.Set);
            var wait = signal.WaitAsync(CancellationToken.None).AsTask();
            await wait.WaitAsync(TimeSpan.FromSeconds(10));
            await setter;
            Assert.True(wait.IsCompletedSuccessfully);
        }
    }
}
