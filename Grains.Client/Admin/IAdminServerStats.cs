namespace OrleansSocket.Grains.Admin;

/// <summary>What a gateway tells the Admin UI about itself (registered by the gateway's <c>AddSocketIO()</c>; a silo has none).</summary>
internal interface IAdminServerStats
{
    /// <summary>The gateway's id in the cluster.</summary>
    string GatewayId { get; }

    /// <summary>The gateway's connections and sockets now, and the connection events since the last call.</summary>
    AdminNodeSnapshot TakeSnapshot();
}

/// <summary>One gateway's connections (Engine.IO clients, those on long-polling), sockets by namespace, and the
/// aggregated connection events since the previous snapshot.</summary>
internal sealed record AdminNodeSnapshot(int ClientsCount, int PollingClientsCount, IReadOnlyList<AdminNamespaceDetails> Namespaces,
    IReadOnlyList<AdminAggregatedEvent> Events);
