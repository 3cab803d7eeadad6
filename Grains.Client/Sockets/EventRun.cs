namespace OrleansSocket.Grains.Sockets;

/// <summary>
/// One client event's handler as the socket grain runs it, to tell two kinds of waiting apart. The socket's own
/// operations (emit, join, leave, broadcasts, fetch, disconnect — synchronous or quick in Node) are counted while
/// they run; when the handler is not finished and none of them is running, it waits on something outside the
/// socket (a client's ack, a timer, I/O), and the grain takes the socket's next event.
/// </summary>
/// <remarks>
/// The run is found through an <see cref="AsyncLocal{T}"/>, which flows into the handler and its continuations,
/// so operations of interleaved handlers count for their own run. Everything runs on the grain's scheduler.
/// </remarks>
internal sealed class EventRun
{
    private static readonly AsyncLocal<EventRun?> CurrentRun = new();

    private readonly Lock _gate = new();
    private int _running;
    private TaskCompletionSource? _idle;

    /// <summary>Makes this the run of the code started next in the calling async method (its handler).</summary>
    public void Enter() => CurrentRun.Value = this;

    /// <summary>
    /// Waits while <paramref name="handler"/> is busy with the socket's own operations. True when it finished; false when
    /// it waits on something else (it goes on, interleaved with the socket's next events).
    /// </summary>
    public async Task<bool> SettleAsync(Task handler)
    {
        while (!handler.IsCompleted)
        {
            Task idle;
            lock (_gate)
            {
                if (_running == 0) return false;
                idle = (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
            await Task.WhenAny(handler, idle);
            // The operation's end resumes the handler on the grain's scheduler: let it run to its next await first.
            await Task.Yield();
        }
        return true;
    }

    /// <summary>A socket operation: counted for the handler that started it (none outside handlers).</summary>
    public static Task Track(Task operation) => CurrentRun.Value is { } run ? run.Count(operation) : operation;

    /// <inheritdoc cref="Track(Task)"/>
    public static Task<T> Track<T>(Task<T> operation) => CurrentRun.Value is { } run ? run.Count(operation) : operation;

    private async Task Count(Task operation)
    {
        if (operation.IsCompleted)
        {
            await operation;
            return;
        }
        Begin();
        try
        {
            await operation;
        }
        finally
        {
            End();
        }
    }

    private async Task<T> Count<T>(Task<T> operation)
    {
        if (operation.IsCompleted) return await operation;
        Begin();
        try
        {
            return await operation;
        }
        finally
        {
            End();
        }
    }

    private void Begin()
    {
        lock (_gate) _running++;
    }

    private void End()
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            if (--_running == 0)
            {
                idle = _idle;
                _idle = null;
            }
        }
        idle?.TrySetResult();
    }
}
