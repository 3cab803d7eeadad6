namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// The connect state machine of one namespace socket: Connecting → Connected (accepted) or Closed (refused,
/// abandoned), Connected → Closed. While connecting, what the server sends (the connect handler's own emits,
/// broadcasts) is held back, because the client must see the CONNECT answer first; the answer and the held-back
/// packets are written in one step, before any later packet.
/// </summary>
internal sealed class ConnectState<TPacket>
{
    private enum Phase { Connecting, Connected, Closed }

    /// <summary>What to do with a packet for the client.</summary>
    internal enum Offer
    {
        /// <summary>Connected: send it now.</summary>
        Send,

        /// <summary>Still connecting: held back until accepted.</summary>
        Held,

        /// <summary>Closed: dropped.</summary>
        Dropped,
    }

    private readonly Lock _gate = new();
    private Phase _phase = Phase.Connecting;
    private List<TPacket>? _early;

    public bool IsConnected { get { lock (_gate) return _phase == Phase.Connected; } }

    public bool IsClosed { get { lock (_gate) return _phase == Phase.Closed; } }

    /// <summary>Packets held back so far.</summary>
    public int Held { get { lock (_gate) return _early?.Count ?? 0; } }

    /// <summary>A packet for the client: held while connecting, dropped once closed, else to be sent by the caller.</summary>
    public Offer Deliver(TPacket packet)
    {
        lock (_gate)
        {
            switch (_phase)
            {
                case Phase.Connecting:
                    (_early ??= []).Add(packet);
                    return Offer.Held;
                case Phase.Closed:
                    return Offer.Dropped;
                default:
                    return Offer.Send;
            }
        }
    }

    /// <summary>
    /// Connecting → Connected. <paramref name="write"/> gets the held-back packets and writes the answer and them;
    /// it runs under the state's lock, so no packet delivered later overtakes them.
    /// </summary>
    /// <returns>False (and nothing written) when the socket was not connecting.</returns>
    public bool TryAccept(Action<IReadOnlyList<TPacket>> write)
    {
        lock (_gate)
        {
            if (_phase != Phase.Connecting) return false;
            _phase = Phase.Connected;
            var early = _early ?? [];
            _early = null;
            write(early);
            return true;
        }
    }

    /// <summary>Connecting → Closed: the held-back packets are dropped.</summary>
    /// <returns>False when the socket was not connecting.</returns>
    public bool TryRefuse()
    {
        lock (_gate)
        {
            if (_phase != Phase.Connecting) return false;
            _phase = Phase.Closed;
            _early = null;
            return true;
        }
    }

    /// <summary>Any phase → Closed.</summary>
    /// <returns>False when it was closed already.</returns>
    public bool TryClose()
    {
        lock (_gate)
        {
            if (_phase == Phase.Closed) return false;
            _phase = Phase.Closed;
            _early = null;
            return true;
        }
    }
}
