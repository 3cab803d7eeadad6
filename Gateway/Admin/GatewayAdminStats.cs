using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Sessions;
using OrleansSocket.Grains.Admin;

namespace OrleansSocket.Gateway.Admin;

/// <summary>This gateway as the Admin UI's server list shows it: its connections and its sockets by namespace.</summary>
internal sealed class GatewayAdminStats(SocketIOServer server) : IAdminServerStats
{
    public string GatewayId => server.GatewayId;

    /// <summary>
    /// Counted over the connected sockets: a connection is a client once one of its namespaces connected (an Engine.IO
    /// session that joined no namespace yet is not listed). Aggregated packet and byte counts are not kept.
    /// </summary>
    public AdminNodeSnapshot TakeSnapshot()
    {
        var sockets = server.Sockets.Where(s => s.IsConnected).ToList();
        var clients = sockets.Select(s => s.Connection).OfType<ClientSession>().Distinct().ToList();
        return new AdminNodeSnapshot(clients.Count,
            clients.Count(c => c.Connection.Transport == EngineServer.PollingName),
            [.. sockets.GroupBy(s => s.Namespace, StringComparer.Ordinal).Select(g => new AdminNamespaceDetails(g.Key, g.Count()))],
            []);
    }
}
