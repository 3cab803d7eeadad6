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

    private volatile bool _closed;

    /// <summary>The activation is deactivating: from now on the gateway's socket makes grain calls.</summary>
    public void Close() => _closed = true;

    public bool TryPost(ClientEvent clientEvent, EventReceipt receipt) => TryQueue(new Posted(grain, clientEvent, null, receipt));

    public bool TryPost(ClientEvent[] clientEvents, EventReceipt receipt) => TryQueue(new Posted(grain, null, clientEvents, receipt));

    private bool TryQueue(Posted posted)
    {
        if (_closed) return false;
        scheduler.QueueAction(RunPosted, posted);
        return true;
    }

    /// <summary>One post as the work item carries it.</summary>
    private sealed class Posted(SocketGrain grain, ClientEvent? one, ClientEvent[]? several, EventReceipt receipt)
    {
        private readonly Activity? _parent = Activity.Current;

        public void Run()
        {
            // Set for the handler's run (its continuations keep it), then restored for whatever this thread runs next.
            var previous = Activity.Current;
            if (_parent is not null) Activity.Current = _parent;
            try
            {
                // What the grain's one-way call does; its failures are logged there, as a one-way call's are.
                _ = one is not null ? grain.PostEvent(one, receipt) : grain.PostEvents(several!, receipt);
            }
            finally
            {
                if (_parent is not null) Activity.Current = previous;
            }
        }
    }
}
