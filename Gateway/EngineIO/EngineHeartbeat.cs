namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// A session's heartbeat. v4: the server pings every pingInterval and wants a pong within pingTimeout.
/// v3: the client pings; silence for pingInterval + pingTimeout ends the session. Either way any packet received
/// delays the timeout (as in Node): the owner stamps each packet's arrival, and the heartbeat reads that stamp only
/// when it judges the deadline, so a packet costs it nothing. The owner is told when a ping is due and when the
/// session expired; it is never called with this type's lock held (reading the stamp takes no lock).
/// </summary>
internal sealed class EngineHeartbeat
{
    /// <summary>
    /// The session the heartbeat serves, called by it (rather than three delegates bound to the session, which every
    /// idle connection held: docs/performance.md, "Memory per idle connection").
    /// </summary>
    public interface IOwner
    {
        /// <summary>The timestamp of the last packet received (read without a lock).</summary>
        long LastPacketTimestamp { get; }

        /// <summary>v4: a ping is due.</summary>
        void OnPingDue();

        /// <summary>The deadline passed without a packet: the session expired.</summary>
        void OnHeartbeatExpired();
    }

    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly long _intervalTicks;
    private readonly long _timeoutTicks;
    private readonly bool _serverPings;
    private readonly IOwner _owner;

    // One timer for both events (the next ping, v4, and the deadline): a timer per connection is about 130 bytes.
    private ITimer? _timer;
    private long _deadline;   // timestamp of the heartbeat deadline (pong due, v4; ping due, v3)
    private long _pingDue = long.MaxValue; // v4: timestamp of the next ping; none while a ping awaits its pong
    private bool _stopped;

    public EngineHeartbeat(TimeProvider time, int pingIntervalMs, int pingTimeoutMs, bool serverPings, IOwner owner)
    {
        _time = time;
        _intervalTicks = MsToTicks(pingIntervalMs);
        _timeoutTicks = MsToTicks(pingTimeoutMs);
        _serverPings = serverPings;
        _owner = owner;
    }

    /// <summary>Starts the clock: the session has just opened.</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (_stopped) return;
            var now = _time.GetTimestamp();
            _deadline = now + _intervalTicks + _timeoutTicks;
            if (_serverPings) _pingDue = now + _intervalTicks;
            _timer = _time.CreateTimer(static s => ((EngineHeartbeat)s!).OnTimer(), this, TicksToSpan(NextLocked() - now), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>v3: the client pinged (and its pong is queued): the next ping is due an interval plus a timeout from now.</summary>
    public void OnClientPing(long now)
    {
        lock (_lock)
        {
            if (_stopped) return;
            _deadline = now + _intervalTicks + _timeoutTicks;
            _timer?.Change(TicksToSpan(_intervalTicks + _timeoutTicks), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>v4: the client answered a ping: the next ping goes out an interval from now.</summary>
    public void OnPong(long now)
    {
        lock (_lock)
        {
            if (_stopped) return;
            _deadline = now + _intervalTicks + _timeoutTicks;
            _pingDue = now + _intervalTicks;
            _timer?.Change(TicksToSpan(_intervalTicks), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Whether the deadline has passed now, whether or not the timer has fired yet.</summary>
    public bool IsDue()
    {
        lock (_lock) return _time.GetTimestamp() >= ExpiryLocked();
    }

    /// <summary>The session ended: no more callbacks.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
            _timer?.Dispose();
        }
    }

    /// <summary>The deadline passed (the session expired), or else a ping is due (v4); then the timer is set for what comes next.</summary>
    private void OnTimer()
    {
        bool ping = false, expired = false;
        lock (_lock)
        {
            if (_stopped) return;
            var now = _time.GetTimestamp();
            if (now >= ExpiryLocked())
            {
                expired = true;
            }
            else
            {
                if (now >= _pingDue)
                {
                    ping = true;
                    _pingDue = long.MaxValue; // the next one goes out an interval after the pong
                }
                _timer?.Change(TicksToSpan(NextLocked() - now), Timeout.InfiniteTimeSpan);
            }
        }
        if (expired) _owner.OnHeartbeatExpired();
        else if (ping) _owner.OnPingDue();
    }

    private long NextLocked() => Math.Min(_pingDue, ExpiryLocked());

    private long ExpiryLocked() =>
        Math.Max(_deadline, _owner.LastPacketTimestamp + (_serverPings ? _timeoutTicks : _intervalTicks + _timeoutTicks));

    private long MsToTicks(int milliseconds) => milliseconds * _time.TimestampFrequency / 1000;

    private TimeSpan TicksToSpan(long ticks) =>
        TimeSpan.FromMilliseconds(Math.Max(1.0, Math.Ceiling(ticks * 1000.0 / _time.TimestampFrequency)));
}
