using System.Diagnostics;

namespace OrleansSocket.Grains.Sockets;

/// <summary>
/// The <see cref="ILocalSocketGrain"/> of one socket grain activation: a posted event becomes one work item on the
/// activation's scheduler, which runs it as the grain's one-way call would (<see cref="SocketGrain.PostEvent"/>).
/// </summary>
/// <remarks>
/// The work item runs on the activation's scheduler, one at a time with its other turns, and interleaves with them
/// where they wait, as the grain's <c>[AlwaysInterleave]</c> calls already do; the gateway's socket has one post in
/// flight at a time, so the socket's events keep their order. The gateway's span (<see cref="Activity.Current"/> where
/// the event is posted) is the parent of the handler's, as the trace context in a call's request context makes it.
/// </remarks>
internal sealed class LocalSocketGrain(SocketGrain grain, IWorkItemScheduler scheduler) : ILocalSocketGrain
{
    private static readonly Action<object> RunPosted = static s => ((Posted)s).Run();
    private static readonly Action<object> RunHandled = static s => ((IHandled)s).Run();

    private volatile bool _closed;

    /// <summary>The activation is deactivating: from now on the gateway's socket makes grain calls.</summary>
    public void Close() => _closed = true;

    public bool TryPost(ClientEvent clientEvent, EventReceipt receipt) => TryQueue(new Posted(grain, clientEvent, null, receipt));

    public bool TryPost(ClientEvent[] clientEvents, EventReceipt receipt) => TryQueue(new Posted(grain, null, clientEvents, receipt));

    public Task<SocketPayload?>? TryRunDetached(ClientEvent clientEvent) => _closed ? null : grain.TryRunDetached(clientEvent);

    /// <summary>
    /// Queues <paramref name="clientEvent"/> on the activation's scheduler to run as <see cref="ISocketGrain.HandleEvent"/>
    /// runs it, for a caller in this silo that awaits its outcome (the <see cref="SocketLinkGrain"/>); null when the
    /// activation is gone, and the caller makes the grain call instead.
    /// </summary>
    public Task<SocketPayload?>? TryHandle(ClientEvent clientEvent) =>
        TryRun(new Handled<ClientEvent, SocketPayload?>(grain, clientEvent, static (g, e) => g.HandleEvent(e)));

    /// <summary>
    /// Queues one socket's <paramref name="clientEvents"/> to run in order as <see cref="ISocketGrain.HandleEvents"/> runs
    /// them, for a caller that awaits their outcomes; null when the activation is gone (the caller makes the grain call).
    /// </summary>
    public Task<EventBatchResult>? TryHandle(ClientEvent[] clientEvents) =>
        TryRun(new Handled<ClientEvent[], EventBatchResult>(grain, clientEvents, static (g, e) => g.HandleEvents(e)));

    private Task<TResult>? TryRun<TArgument, TResult>(Handled<TArgument, TResult> handled)
    {
        if (_closed) return null;
        scheduler.QueueAction(RunHandled, handled);
        return handled.Task;
    }

    private bool TryQueue(Posted posted)
    {
        if (_closed) return false;
        scheduler.QueueAction(RunPosted, posted);
        return true;
    }

    private interface IHandled
    {
        void Run();
    }

    /// <summary>Awaited events as the work item carries them; its task completes with what the grain call would return.</summary>
    private sealed class Handled<TArgument, TResult>(SocketGrain grain, TArgument clientEvents, Func<SocketGrain, TArgument, Task<TResult>> handle)
        : TaskCompletionSource<TResult>, IHandled
    {
        private readonly Activity? _parent = Activity.Current;

        public void Run()
        {
            using var span = new ParentSpan(_parent);
            try
            {
                var handling = handle(grain, clientEvents);
                if (handling.IsCompletedSuccessfully) SetResult(handling.Result);
                else _ = CompleteAsync(handling);
            }
            catch (Exception e)
            {
                SetException(e);
            }
        }

        private async Task CompleteAsync(Task<TResult> handling)
        {
            try
            {
                SetResult(await handling);
            }
            catch (Exception e)
            {
                SetException(e);
            }
        }
    }

    /// <summary>One post as the work item carries it.</summary>
    private sealed class Posted(SocketGrain grain, ClientEvent? one, ClientEvent[]? several, EventReceipt receipt)
    {
        private readonly Activity? _parent = Activity.Current;

        public void Run()
        {
            using var span = new ParentSpan(_parent);
            // What the grain's one-way call does; its failures are logged there, as a one-way call's are.
            _ = one is not null ? grain.PostEvent(one, receipt) : grain.PostEvents(several!, receipt);
        }
    }

    /// <summary>
    /// The poster's span made current for a work item's run (the handler's continuations keep it), and the thread's
    /// own restored after it for whatever the thread runs next.
    /// </summary>
    private readonly ref struct ParentSpan
    {
        private readonly Activity? _parent;
        private readonly Activity? _previous;

        public ParentSpan(Activity? parent)
        {
            _parent = parent;
            _previous = Activity.Current;
            if (parent is not null) Activity.Current = parent;
        }

        public void Dispose()
        {
            if (_parent is not null) Activity.Current = _previous;
        }
    }
}
