namespace OrleansSocket.Gateway.EngineIO;

// What arrives: packets from the transports, delivered one at a time to the listener.
internal sealed partial class EngineSession
{
    /// <summary>
    /// A packet (or a decoding failure) from a transport (engine.io's transport "packet" event): from the probe, it
    /// goes to the upgrade; from the current transport, or from the polling one still finishing a POST after an
    /// upgrade, to the session; from a refused WebSocket, nowhere. Before a message it waits for the listener to
    /// make room: the transport awaits this, so nothing more is read from the client meanwhile. False: the session
    /// takes nothing more from this transport's current payload.
    /// </summary>
    internal ValueTask<bool> OnPacketAsync(EngineTransport transport, DecodeStatus status, InboundPacket packet)
    {
        WebSocketTransport? probe;
        bool isCurrent;
        lock (_gate)
        {
            probe = _upgrade.Probe;
            isCurrent = transport == _transport || transport == Polling;
        }
        if (probe is not null && probe == transport) return OnProbePacketAsync(probe, status, packet);
        if (!isCurrent) return new ValueTask<bool>(true);

        var viaPolling = transport == Polling;
        // The listener's back-pressure (none before it is known), asked directly rather than through the listener.
        if (status == DecodeStatus.Packet && packet.Type == EnginePacketType.Message && Volatile.Read(ref _room) is { } inbound)
        {
            var room = inbound.WaitForRoomAsync(packet.Data.Length);
            if (!room.IsCompletedSuccessfully) return HandleWhenRoomAsync(room, packet, viaPolling);
            room.GetAwaiter().GetResult();
        }
        return new ValueTask<bool>(Handle(status, packet, viaPolling));
    }

    private async ValueTask<bool> HandleWhenRoomAsync(ValueTask room, InboundPacket packet, bool viaPolling)
    {
        await room;
        return Handle(DecodeStatus.Packet, packet, viaPolling);
    }

    /// <summary>Handles one decoded packet, or a decoding failure, under <c>_inbound</c>; false stops the rest of a payload.</summary>
    private bool Handle(DecodeStatus status, in InboundPacket packet, bool viaPolling)
    {
        lock (_inbound)
        {
            if (status != DecodeStatus.Packet)
            {
                if (status != DecodeStatus.Error) return true;
                Terminate(EngineCloseReason.ParseError);
                return false;
            }

            var now = _time.GetTimestamp();
            var overflow = BufferBound.None;
            lock (_gate)
            {
                // Node ignores what arrives once the socket is no longer "open" (closing included).
                if (_state != SessionState.Open) return false;
                // Any packet delays the heartbeat's timeout: it reads this stamp when its timer fires.
                Volatile.Write(ref _lastPacket, now);
                switch (packet.Type)
                {
                    case EnginePacketType.Ping when !Codec.ServerPings:
                        // The v3 client pings; answer with the same data ("2probe" → "3probe"). The pong is counted
                        // like any packet: a client that pings without reading fills its own queue, not the server.
                        var echo = packet.Data.IsEmpty ? ReadOnlyMemory<byte>.Empty : packet.Data.ToArray();
                        overflow = TryEnqueueLocked(new QueuedPacket(EnginePacketType.Pong, echo, false, false));
                        if (overflow != BufferBound.None) break;
                        _heartbeat.OnClientPing(now);
                        return true;
                    case EnginePacketType.Pong when Codec.ServerPings:
                        _heartbeat.OnPong(now);
                        return true;
                    case EnginePacketType.Ping:
                    case EnginePacketType.Pong:
                        break; // wrong heartbeat direction for this protocol: Node treats it as a transport error
                    case EnginePacketType.Close:
                        break;
                    case EnginePacketType.Message:
                        break;
                    default:
                        return true; // open, upgrade, noop: nothing to do
                }
            }

            if (overflow != BufferBound.None)
            {
                CloseOverflowing(overflow);
                return false;
            }
            switch (packet.Type)
            {
                case EnginePacketType.Message:
                    try
                    {
                        _listener?.OnMessage(packet.Data, packet.IsBinary);
                    }
                    catch (Exception ex)
                    {
                        _server.Log.ListenerFailed(ex, Id);
                    }
                    return true;
                case EnginePacketType.Close:
                    // The client closes: a pending poll is released with a noop (Node's polling onClose).
                    Terminate(EngineCloseReason.TransportClose, viaPolling ? EnginePacketType.Noop : EnginePacketType.Close);
                    return false;
                default:
                    Terminate(EngineCloseReason.TransportError);
                    return false;
            }
        }
    }
}
