using System.Diagnostics.Metrics;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Sessions;
using OrleansSocket.Grains.Admin;

namespace OrleansSocket.Gateway.Admin;

/// <summary>
/// This gateway as the Admin UI's server list shows it: its connections and sockets by namespace, and the connections
/// opened and closed and the messages and bytes read and written per second (read from the gateway's own OrleansSocket instruments,
/// those of this container's meter factory, so no code on the connection path knows of the UI).
/// </summary>
internal sealed class GatewayAdminStats : IAdminServerStats, IDisposable
{
    private readonly SocketIOServer _server;
    private readonly AdminEventBuffer _events;
    private readonly MeterListener? _listener;

    public GatewayAdminStats(SocketIOServer server, TimeProvider time, IMeterFactory? meters = null)
    {
        _server = server;
        _events = new AdminEventBuffer(time);
        server.ConnectionClosed += OnConnectionClosed;
        if (meters is null) return;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Meter.Name == SocketIOInstrumentation.Name
                    && instrument.Name is SocketIOInstrumentation.ActiveConnections or SocketIOInstrumentation.Io)
                    listener.EnableMeasurementEvents(instrument);
            },
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    public string GatewayId => _server.GatewayId;

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name == SocketIOInstrumentation.ActiveConnections)
        {
            // A closed connection is counted with its reason (OnConnectionClosed).
            if (value > 0) _events.Add("rawConnection");
            return;
        }
        // One measurement per Engine.IO message (a binary packet's text and each attachment apart), as Node's
        // instrument() counts one packetsIn/packetsOut per engine packet with data and its bytes.
        foreach (var tag in tags)
        {
            if (tag.Key != "network.io.direction") continue;
            var receive = tag.Value as string == "receive";
            _events.Add(receive ? "packetsIn" : "packetsOut");
            _events.Add(receive ? "bytesIn" : "bytesOut", value);
        }
    }

    private void OnConnectionClosed(EngineCloseReason reason) => _events.Add("rawDisconnection", subType: reason.ToWireString());

    /// <summary>
    /// Counted over the connected sockets: a connection is a client once one of its namespaces connected (an Engine.IO
    /// session that joined no namespace yet is not listed).
    /// </summary>
    public AdminNodeSnapshot TakeSnapshot()
    {
        var sockets = _server.Sockets.Where(s => s.IsConnected).ToList();
        var clients = sockets.Select(s => s.Connection).OfType<ClientSession>().Distinct().ToList();
        return new AdminNodeSnapshot(clients.Count,
            clients.Count(c => c.Connection.Transport == EngineServer.PollingName),
            [.. sockets.GroupBy(s => s.Namespace, StringComparer.Ordinal).Select(g => new AdminNamespaceDetails(g.Key, g.Count()))],
            _events.TakeAll());
    }

    public void Dispose()
    {
        _server.ConnectionClosed -= OnConnectionClosed;
        _listener?.Dispose();
    }
}
