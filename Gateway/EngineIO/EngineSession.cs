namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// One Engine.IO session (engine.io's <c>Socket</c>): its state, its current transport, and the serial delivery of
/// what arrives; the outbox (<see cref="EngineOutbox"/>), heartbeat (<see cref="EngineHeartbeat"/>), upgrade
/// (<see cref="EngineUpgrade"/>) and codec (<see cref="EngineCodec"/>) are its parts.
/// <para>
/// Locking: <c>_gate</c> guards all mutable state; while holding it the session calls out only to its parts
/// (outbox, heartbeat, upgrade) and to its transports' non-blocking members, whose own locks are leaves.
/// <c>_inbound</c> serialises the calls into the <see cref="IEngineListener"/> (OnMessage in arrival order, OnClose last);
/// it may be held while taking <c>_gate</c>, never the other way round.
/// </para>
/// </summary>
internal sealed partial class EngineSession : IEngineConnection, EngineHeartbeat.IOwner
{
    /// <summary>Most packets one WebSocket writer pass takes from the queue before going back for more.</summary>
    private const int WebSocketBatch = 64;

    /// <summary>
    /// How long a session the client closed by POST stays known for the poll it may still have on the wire
    /// (a different connection can be overtaken by the POST): that poll gets the noop it would have had.
    /// </summary>
    private static readonly TimeSpan FinalPollGrace = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private readonly object _inbound = new();
    private readonly EngineServer _server;
    private readonly TimeProvider _time;
    private readonly EngineOutbox _outbox;
    private readonly EngineHeartbeat _heartbeat;

    private SessionState _state = SessionState.Open;
    private string _transportName;
    private IEngineListener? _listener;
    private IEngineInbound? _room; // the listener's back-pressure, awaited before each message
    private long _lastPacket; // timestamp of the last packet received, read by the heartbeat
    private EngineCloseReason? _closeReason; // set once, when the session ends
    private bool _closeNotified;

    private EngineTransport? _transport; // the current one (none yet for a WebSocket session before its socket is attached)
    private EnginePacketType _pollCloseReply = EnginePacketType.Close; // what a poll gets once the session is closed
    private readonly EngineUpgrade _upgrade = new();

    private ITimer? _lingerTimer;
    private bool _finalPollPending; // closed by the client while no poll was here: one late poll still gets its noop

    public EngineSession(EngineServer server, string id, int protocol, string transportName, EngineHandshake handshake, bool pollingSupportsBinary)
    {
        _server = server;
        _time = server.Time;
        Id = id;
        Codec = EngineCodec.For(protocol);
        Handshake = handshake;
        _transportName = transportName;
        _outbox = new EngineOutbox(server.Options.MaxBufferedPackets, server.Options.MaxBufferedBytes);
        _lastPacket = _time.GetTimestamp();
        _heartbeat = new EngineHeartbeat(_time, server.Options.PingInterval, server.Options.PingTimeout, Codec.ServerPings, this);
        if (transportName == EngineServer.PollingName)
        {
            Polling = new PollingTransport(this, server.Options, pollingSupportsBinary);
            _transport = Polling;
        }
    }

    public string Id { get; }
    public int ProtocolVersion => Codec.Protocol;

    /// <summary>The revision's encoding and rules, chosen at the handshake.</summary>
    internal EngineCodec Codec { get; }
    public EngineHandshake Handshake { get; }
    public string Transport { get { lock (_gate) return _transportName; } }

    /// <summary>The polling transport, when the session started on it (kept after an upgrade to release a pending poll).</summary>
    internal PollingTransport? Polling { get; }

    internal EngineIOOptions Options => _server.Options;

    /// <summary>The clock every timer and delay of this session and its transports runs on.</summary>
    internal TimeProvider Time => _time;

    // ---------------- opening ----------------

    /// <summary>Queues the open packet, starts the heartbeat, then hands the session to the application.</summary>
    internal void Open(ReadOnlyMemory<byte> openPayload, IEngineApplication application)
    {
        lock (_gate)
        {
            _outbox.EnqueueControl(new QueuedPacket(EnginePacketType.Open, openPayload, false, false));
            WakeWritersLocked();
            _heartbeat.Start();
        }

        IEngineListener listener;
        try
        {
            listener = application.OnOpen(this);
        }
        catch
        {
            Terminate(EngineCloseReason.TransportError);
            throw;
        }

        lock (_inbound)
        {
            _listener = listener;
            Volatile.Write(ref _room, listener.Inbound);
            // Closed while the application was still opening it: tell it now.
            if (_closeReason is not null) NotifyCloseLocked();
        }
    }

    /// <summary>The first transport of a WebSocket-only session.</summary>
    internal void AttachInitialWebSocket(WebSocketTransport transport)
    {
        lock (_gate) SetTransportLocked(transport);
    }

    // ---------------- IEngineConnection ----------------

    public bool Send(ReadOnlyMemory<byte> data, bool isBinary, bool isVolatile = false)
    {
        BufferBound overflow;
        lock (_gate)
        {
            if (_state != SessionState.Open) return false;
            // Node drops a volatile packet when the transport cannot write right now; so do we, and when full.
            if (isVolatile && !IsWritableLocked()) return false;
            overflow = TryEnqueueLocked(new QueuedPacket(EnginePacketType.Message, data, isBinary, isVolatile));
            if (overflow == BufferBound.None) return true;
            if (isVolatile) return false;
        }
        CloseOverflowing(overflow);
        return false;
    }

    public bool SendWithAttachments(ReadOnlyMemory<byte> text, IReadOnlyList<byte[]> attachments, bool isVolatile = false) =>
        SendUnit(text, attachments, isVolatile, sendInline: false);

    /// <summary>
    /// As <see cref="SendWithAttachments"/>; when the session's WebSocket writer waits holding nothing and nothing else
    /// is queued, the calling thread sends the frames itself instead of waking the writer task (one hand-off fewer).
    /// </summary>
    public bool SendInline(ReadOnlyMemory<byte> text, IReadOnlyList<byte[]> attachments, bool isVolatile = false) =>
        SendUnit(text, attachments, isVolatile, sendInline: true);

    private bool SendUnit(ReadOnlyMemory<byte> text, IReadOnlyList<byte[]> attachments, bool isVolatile, bool sendInline)
    {
        BufferBound overflow;
        WebSocketTransport? sender = null;
        lock (_gate)
        {
            if (_state != SessionState.Open) return false;
            if (isVolatile && !IsWritableLocked()) return false;
            var wasEmpty = _outbox.Count == 0;
            overflow = _outbox.TryEnqueueMessage(text, attachments, isVolatile);
            if (overflow == BufferBound.None)
            {
                // Only this unit is queued and the writer holds nothing: this thread becomes the sender.
                if (sendInline && wasEmpty && _transport is WebSocketTransport socket && socket.TryClaimInlineLocked())
                {
                    _outbox.Take(socket.InlineBatch, 1 + attachments.Count);
                    sender = socket;
                }
                else
                {
                    _transport?.Wake();
                }
            }
            else if (isVolatile)
            {
                return false;
            }
        }
        if (overflow == BufferBound.None)
        {
            sender?.SendInline();
            return true;
        }
        CloseOverflowing(overflow);
        return false;
    }

    public void Close()
    {
        lock (_gate)
        {
            if (_state != SessionState.Open) return;
            _state = SessionState.Closing;
            // The close packet trails what is already queued: the transport that delivers it ends the session.
            _outbox.EnqueueControl(QueuedPacket.Control(EnginePacketType.Close));
            WakeWritersLocked();
        }
    }

    // ---------------- outbound, for the transports ----------------

    /// <summary>The session now runs on <paramref name="transport"/> (engine.io's <c>setTransport</c>).</summary>
    private void SetTransportLocked(EngineTransport transport)
    {
        _transport = transport;
        _transportName = transport.Name;
    }

    /// <summary>
    /// While an answered probe waits for its upgrade packet, a task that completes when the upgrade is done or
    /// given up; otherwise null. A poll arriving in that window waits a little on it (Node answers such a poll
    /// only on its 100 ms upgrade check), so a client's "5" sent just before the poll is seen first.
    /// </summary>
    internal Task? UpgradeSettling
    {
        get { lock (_gate) return _upgrade.Settling; }
    }
    /// <summary>Payload bytes held for the client: queued, or taken by a transport and not yet written.</summary>
    internal long BufferedBytes
    {
        get { lock (_gate) return _outbox.BufferedBytes; }
    }

    /// <summary>See <see cref="EngineOutbox.Take"/>.</summary>
    internal void Take(List<QueuedPacket> batch, int max)
    {
        lock (_gate) _outbox.Take(batch, max);
    }

    /// <summary>A transport wrote (or dropped) <paramref name="bytes"/> of payload it had taken.</summary>
    internal void ReleaseWritten(long bytes)
    {
        lock (_gate) _outbox.ReleaseWritten(bytes);
    }

    /// <summary>
    /// What a poll answers now, into <paramref name="batch"/> (true), or false: nothing yet, and the poll is parked
    /// (writable) until woken. The handshake poll takes only the open packet (<paramref name="max"/> 1).
    /// </summary>
    internal bool TakeForPoll(PollingTransport polling, List<QueuedPacket> batch, int max)
    {
        lock (_gate)
        {
            polling.SetWaiting(false);
            if (_state == SessionState.Closed)
                batch.Add(QueuedPacket.Control(_pollCloseReply));
            else if (_transport != polling)
                batch.Add(QueuedPacket.Control(EnginePacketType.Noop)); // upgraded: release the poll
            else if (_outbox.Count > 0)
                _outbox.Take(batch, max);
            else if (_upgrade.ProbeAnswered)
                batch.Add(QueuedPacket.Control(EnginePacketType.Noop)); // upgrading: let the client pause
            else
                polling.SetWaiting(true);
            return batch.Count > 0;
        }
    }

    /// <summary>Queues a packet if it fits the outbox's bounds, and wakes the transport.</summary>
    private BufferBound TryEnqueueLocked(in QueuedPacket packet)
    {
        var bound = _outbox.TryEnqueue(packet);
        if (bound == BufferBound.None) WakeWritersLocked();
        return bound;
    }

    /// <summary>The client does not keep up and nothing can be dropped: end the session rather than grow without bound.</summary>
    private void CloseOverflowing(BufferBound bound)
    {
        if (bound == BufferBound.Packets) _server.Log.SendQueueFull(Id, _outbox.MaxPackets, "packets");
        else _server.Log.SendQueueFull(Id, _outbox.MaxBytes, "bytes");
        Terminate(EngineCloseReason.TransportError);
    }

    /// <summary>
    /// What the WebSocket writer should do next. It waits (holding nothing, so an inline send may start) while the
    /// queue is empty or a queuing thread is sending inline; that sender wakes it when done
    /// (<see cref="EndInlineSend"/>).
    /// </summary>
    internal WriterStep TakeForWebSocket(WebSocketTransport transport, List<QueuedPacket> batch)
    {
        lock (_gate)
        {
            if (_state == SessionState.Closed || _transport != transport) return WriterStep.Stop;
            if (_outbox.Count == 0 || transport.IsSendingInlineLocked)
            {
                transport.SetWriterIdleLocked(true);
                return WriterStep.Wait;
            }
            transport.SetWriterIdleLocked(false);
            _outbox.Take(batch, WebSocketBatch);
            return WriterStep.Write;
        }
    }

    /// <summary>
    /// An inline send finished (or failed), releasing the <paramref name="bytes"/> of its packets it still counted
    /// (written, or given up): the writer owns the socket again, and is woken if more was queued meanwhile.
    /// </summary>
    internal void EndInlineSend(WebSocketTransport transport, long bytes)
    {
        lock (_gate)
        {
            _outbox.ReleaseWritten(bytes);
            transport.EndInlineLocked();
            if (_outbox.Count > 0 || _state == SessionState.Closed) transport.Wake();
        }
    }

    /// <summary>Completes when no inline send runs on <paramref name="transport"/> (see <see cref="EndInlineSend"/>).</summary>
    internal Task InlineSendEnded(WebSocketTransport transport)
    {
        lock (_gate) return transport.InlineSendEndedLocked();
    }

    private bool IsWritableLocked() => _transport?.IsWritable ?? false;

    private void WakeWritersLocked() => _transport?.Wake();

    // ---------------- heartbeat ----------------

    long EngineHeartbeat.IOwner.LastPacketTimestamp => Volatile.Read(ref _lastPacket);

    void EngineHeartbeat.IOwner.OnHeartbeatExpired() => Terminate(EngineCloseReason.PingTimeout);

    /// <summary>v4: the heartbeat wants a ping sent.</summary>
    void EngineHeartbeat.IOwner.OnPingDue()
    {
        BufferBound overflow;
        lock (_gate)
        {
            if (_state != SessionState.Open) return; // Node sends nothing once closing; the timeout still runs
            overflow = TryEnqueueLocked(QueuedPacket.Control(EnginePacketType.Ping));
            if (overflow == BufferBound.None) return;
        }
        CloseOverflowing(overflow);
    }

    /// <summary>
    /// Checked by every request that names this session: past the heartbeat deadline it is closed now, whether or not
    /// the timer has fired yet, so a request arriving on the deadline sees the same thing whatever the timer jitter.
    /// True when the session is (now) closed.
    /// </summary>
    internal bool ExpireIfDue()
    {
        lock (_gate)
        {
            if (_state == SessionState.Closed) return true;
            if (!_heartbeat.IsDue()) return false;
        }
        Terminate(EngineCloseReason.PingTimeout);
        return true;
    }

    // ---------------- closing ----------------

    /// <summary>
    /// Ends the session now (idempotent): stops the timers, forgets the queue, releases a pending poll with
    /// <paramref name="pollReply"/> (Node sends a close packet, or a noop when the client itself closed),
    /// closes the WebSockets, and tells the application once.
    /// </summary>
    internal void Terminate(EngineCloseReason reason, EnginePacketType pollReply = EnginePacketType.Close)
    {
        EngineTransport? current;
        WebSocketTransport? probe;
        bool linger;
        lock (_gate)
        {
            if (_state == SessionState.Closed) return;
            _state = SessionState.Closed;
            _closeReason = reason;
            _outbox.Clear();
            _heartbeat.Stop();
            current = _transport;
            probe = _upgrade.End();
            _pollCloseReply = pollReply;
            linger = pollReply == EnginePacketType.Noop && Polling is { IsGetActive: false } && current == Polling;
            if (linger)
            {
                _finalPollPending = true;
                _lingerTimer = _time.CreateTimer(static s => ((EngineSession)s!).EndLinger(), this, FinalPollGrace, Timeout.InfiniteTimeSpan);
            }
        }
        if (!linger) _server.Remove(this);
        _server.Log.SessionClosed(Id, reason.ToWireString());
        current?.Close();
        // After an upgrade the polling transport is no longer current; a poll it may still hold gets its answer too.
        if (Polling is not null && Polling != current) Polling.Wake();
        probe?.BeginClose();
        lock (_inbound) NotifyCloseLocked();
    }

    /// <summary>For a GET naming a closed session: true (once) when it is the late poll the grace period waits for.</summary>
    internal bool TryClaimFinalPoll()
    {
        lock (_gate)
        {
            if (!_finalPollPending) return false;
            _finalPollPending = false;
        }
        EndLinger();
        return true;
    }

    private void EndLinger()
    {
        lock (_gate)
        {
            _finalPollPending = false;
            _lingerTimer?.Dispose();
        }
        _server.Remove(this);
    }

    private void NotifyUpgradeLocked()
    {
        if (_listener is null || _closeNotified) return;
        try
        {
            _listener.OnUpgrade(EngineServer.WebSocketName);
        }
        catch (Exception ex)
        {
            _server.Log.ListenerFailed(ex, Id);
        }
    }

    private void NotifyCloseLocked()
    {
        if (_listener is null || _closeNotified) return; // not opened yet: Open() reports it
        _closeNotified = true;
        try
        {
            _listener.OnClose(_closeReason!.Value);
        }
        catch (Exception ex)
        {
            _server.Log.ListenerFailed(ex, Id);
        }
    }
}

internal enum SessionState
{
    Open,
    /// <summary><see cref="IEngineConnection.Close"/> was called: the queue drains, then the session ends.</summary>
    Closing,
    Closed,
}

internal enum WriterStep
{
    Write,
    Wait,
    Stop,
}
