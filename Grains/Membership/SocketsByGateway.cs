namespace OrleansSocket.Grains.Membership;

/// <summary>
/// Sockets of a room or namespace and the gateway each is on, with a count per gateway so the set
/// of gateways to publish to is read without walking the members.
/// </summary>
internal sealed class SocketsByGateway
{
    private readonly Dictionary<string, string> _gatewayOf = [];
    private readonly Dictionary<string, int> _perGateway = [];

    public int Count => _gatewayOf.Count;

    public void Add(string socketId, string gatewayId)
    {
        if (_gatewayOf.TryGetValue(socketId, out var previous))
        {
            if (previous == gatewayId) return;
            Decrement(previous);
        }
        _gatewayOf[socketId] = gatewayId;
        _perGateway[gatewayId] = _perGateway.GetValueOrDefault(gatewayId) + 1;
    }

    public void Remove(string socketId)
    {
        if (_gatewayOf.Remove(socketId, out var gatewayId)) Decrement(gatewayId);
    }

    /// <returns>The sockets that were on that gateway.</returns>
    public List<string> DropGateway(string gatewayId)
    {
        if (!_perGateway.Remove(gatewayId)) return [];
        var dropped = _gatewayOf.Where(kv => kv.Value == gatewayId).Select(kv => kv.Key).ToList();
        foreach (var socketId in dropped) _gatewayOf.Remove(socketId);
        return dropped;
    }

    public string[] Gateways() => [.. _perGateway.Keys];

    public string[] Members() => [.. _gatewayOf.Keys];

    private void Decrement(string gatewayId)
    {
        var left = _perGateway[gatewayId] - 1;
        if (left == 0) _perGateway.Remove(gatewayId);
        else _perGateway[gatewayId] = left;
    }
}
