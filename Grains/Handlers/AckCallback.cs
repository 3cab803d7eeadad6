namespace OrleansSocket.Grains.Handlers;

/// <summary>
/// The <see cref="IAck"/> of one client event. An answer given while the dispatch has not returned goes back with it
/// (<see cref="Detach"/>); a later one goes through the sender the socket grain gives (to the gateway, by ack id).
/// </summary>
internal sealed class AckCallback(bool requested) : IAck
{
    private readonly Lock _gate = new();
    private SocketPayload? _early;
    private Func<SocketPayload, Task>? _late;
    private bool _detached;
    private bool _sent;

    public bool Requested => requested;

    public bool Sent
    {
        get { lock (_gate) return _sent; }
    }

    /// <summary>A handler took this callback as a parameter: its return value is no answer.</summary>
    public bool Claimed { get; private set; }

    public void Claim() => Claimed = true;

    public Task SendAsync(params object?[] args) => SendAsync(PayloadSerializer.Serialize(args ?? [null]));

    public Task SendAsync(SocketPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        Func<SocketPayload, Task>? late;
        lock (_gate)
        {
            if (!requested || _sent) return Task.CompletedTask;
            _sent = true;
            if (!_detached)
            {
                _early = payload;
                return Task.CompletedTask;
            }
            late = _late;
        }
        return late?.Invoke(payload) ?? Task.CompletedTask;
    }

    /// <summary>
    /// The dispatch returns: the answer sent so far (null: none) goes with it; a later one goes to <paramref name="late"/>
    /// (dropped when null: nobody can deliver it).
    /// </summary>
    public SocketPayload? Detach(Func<SocketPayload, Task>? late)
    {
        lock (_gate)
        {
            _detached = true;
            _late = late;
            var early = _early;
            _early = null;
            return early;
        }
    }
}
