namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// Server→client ack correlation for one socket: each emit that wants an answer gets the next ack id, and the
/// client's ACK with that id completes it. An emit that is not answered in time is forgotten; once the socket
/// closed, every waiting emit fails and no new one is taken.
/// </summary>
internal sealed class ServerAcks(TimeProvider time)
{
    private readonly Lock _gate = new();
    private Dictionary<long, TaskCompletionSource<SocketPayload>>? _waiting;
    private Dictionary<long, Task<SocketPayload>>? _kept;
    private long _nextId;
    private bool _closed;

    /// <summary>Emits waiting for their ACK.</summary>
    public int Count { get { lock (_gate) return _waiting?.Count ?? 0; } }

    /// <summary>Takes the next ack id; false once closed.</summary>
    public bool TryAdd(out long id, out Task<SocketPayload> answer)
    {
        var tcs = new TaskCompletionSource<SocketPayload>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_closed)
            {
                id = -1;
                answer = Task.FromCanceled<SocketPayload>(new CancellationToken(true));
                return false;
            }
            id = _nextId++;
            (_waiting ??= [])[id] = tcs;
        }
        answer = tcs.Task;
        return true;
    }

    /// <summary>Waits for the answer to <paramref name="id"/>; forgets the id when <paramref name="timeout"/> passes first.</summary>
    /// <exception cref="TimeoutException">no answer in time.</exception>
    public async Task<SocketPayload> WaitAsync(long id, Task<SocketPayload> answer, TimeSpan timeout)
    {
        try
        {
            return await answer.WaitAsync(timeout, time);
        }
        catch (TimeoutException)
        {
            lock (_gate) _waiting?.Remove(id);
            throw;
        }
    }

    /// <summary>
    /// Keeps the outcome of emit <paramref name="id"/> (its answer, its time-out, or the close) until <see cref="Collect"/>
    /// takes it: the grain asks for it in a call of its own, which may come after the answer. At most one per emit
    /// the grain made, each taken by the grain's next call; they go with the socket.
    /// </summary>
    public void Keep(long id, Task<SocketPayload> outcome)
    {
        lock (_gate) (_kept ??= [])[id] = outcome;
    }

    /// <summary>Takes the outcome <see cref="Keep"/> holds for <paramref name="id"/>; null when there is none.</summary>
    public Task<SocketPayload>? Collect(long id)
    {
        lock (_gate) return _kept?.Remove(id, out var outcome) == true ? outcome : null;
    }

    /// <summary>The client's ACK; an unknown or late id is ignored.</summary>
    public void Answer(long id, SocketPayload payload)
    {
        TaskCompletionSource<SocketPayload>? tcs = null;
        lock (_gate) _waiting?.Remove(id, out tcs);
        tcs?.TrySetResult(payload);
    }

    /// <summary>The socket closed: every waiting emit fails with <paramref name="error"/>, later ones are refused.</summary>
    public void Close(Exception error)
    {
        Dictionary<long, TaskCompletionSource<SocketPayload>>? waiting;
        lock (_gate)
        {
            _closed = true;
            waiting = _waiting;
            _waiting = null;
        }
        if (waiting is null) return;
        foreach (var tcs in waiting.Values) tcs.TrySetException(error);
    }
}
