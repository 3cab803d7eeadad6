namespace OrleansSocket.Gateway.EngineIO;

// Moving a polling session to a WebSocket: the probe, the upgrade packet, giving up; and a transport that ended.
internal sealed partial class EngineSession
{
    /// <summary>A WebSocket asks to take over a polling session. False when it must be refused (closed right away, as Node does).</summary>
    internal bool TryBeginProbe(WebSocketTransport transport)
    {
        lock (_gate)
        {
            if (_state == SessionState.Closed || _transport != Polling || _upgrade.Probe is not null || Polling is null || !Options.AllowUpgrades)
                return false;
            _upgrade.Begin(transport, _time, TimeSpan.FromMilliseconds(Options.UpgradeTimeout), OnUpgradeTimeout);
            return true;
        }
    }

    private async ValueTask<bool> OnProbePacketAsync(WebSocketTransport transport, DecodeStatus status, InboundPacket packet)
    {
        if (status == DecodeStatus.Packet && packet.Type == EnginePacketType.Ping && packet.Data.Span.SequenceEqual("probe"u8))
        {
            lock (_gate)
            {
                if (_upgrade.Probe != transport) return true; // given up meanwhile: the socket is closing
                // From now on polls get a noop when nothing is queued (a new one after up to 100 ms: EngineServer), so
                // the client can pause polling. Marked before "3probe" goes out (Node marks it in the same tick): a
                // poll the client sends once it has read "3probe" must find the probe answered and wait for the
                // upgrade, not park as an ordinary poll that the upgrade then releases with a noop.
                _upgrade.MarkAnswered();
                Polling?.Wake();
            }
            await transport.SendProbeAnswerAsync();
            return true;
        }
        if (status == DecodeStatus.Packet && packet.Type == EnginePacketType.Upgrade)
        {
            var upgraded = false;
            lock (_gate)
            {
                if (_upgrade.Probe == transport && _state != SessionState.Closed)
                {
                    _upgrade.End();
                    SetTransportLocked(transport);
                    // A poll still pending is released with a noop; later HTTP requests get 400 (transport mismatch).
                    Polling?.Wake();
                    transport.StartWriter();
                    upgraded = true;
                }
            }
            if (upgraded)
            {
                // Before the new transport's first message is read: the receive loop awaits this call.
                lock (_inbound) NotifyUpgradeLocked();
                return true;
            }
            transport.BeginClose();
            return true;
        }
        // Anything else during the probe cancels the upgrade; the session carries on over polling.
        CancelProbe(transport);
        return true;
    }

    private void OnUpgradeTimeout()
    {
        WebSocketTransport? probe;
        lock (_gate) probe = _upgrade.Probe;
        if (probe is not null) CancelProbe(probe);
    }

    private void CancelProbe(WebSocketTransport transport)
    {
        lock (_gate)
        {
            if (_upgrade.Probe == transport)
            {
                _upgrade.End();
                Polling?.Wake();
            }
        }
        transport.BeginClose();
    }

    /// <summary>
    /// A transport's receive side ended (engine.io's transport "close" and "error" events: peer closed, error, or
    /// oversized message): the session ends if it was the current one; a probe is given up.
    /// </summary>
    internal void OnTransportClosed(EngineTransport transport, EngineCloseReason reason)
    {
        bool isActive;
        WebSocketTransport? probe;
        lock (_gate)
        {
            isActive = _transport == transport;
            probe = _upgrade.Probe;
        }
        if (isActive) Terminate(reason);
        else if (probe is not null && probe == transport) CancelProbe(probe);
    }
}
