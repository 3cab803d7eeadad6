namespace OrleansSocket.Grains.Admin;

/// <summary>
/// Counts of a gateway's connection events per second and kind (socket.io-admin-ui's <c>EventBuffer</c>), taken with
/// each <c>server_stats</c>: <c>rawConnection</c>, <c>rawDisconnection</c> (by reason), <c>packetsIn</c>, <c>packetsOut</c>,
/// <c>bytesIn</c>, <c>bytesOut</c>. Holds at most one entry per kind (and reason) and second since the last take.
/// </summary>
internal sealed class AdminEventBuffer(TimeProvider time)
{
    private readonly Dictionary<(long Second, string Type, string? SubType), int> _counts = [];

    /// <summary>Counts <paramref name="count"/> events of <paramref name="type"/> (and <paramref name="subType"/>, e.g. a
    /// disconnection's reason) in the current second.</summary>
    public void Add(string type, long count = 1, string? subType = null)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        lock (_counts)
        {
            var total = _counts.GetValueOrDefault((second, type, subType)) + count;
            _counts[(second, type, subType)] = (int)Math.Min(total, int.MaxValue);
        }
    }

    /// <summary>What was counted since the last call, oldest second first; the buffer is empty afterwards.</summary>
    public AdminAggregatedEvent[] TakeAll()
    {
        lock (_counts)
        {
            AdminAggregatedEvent[] all = [.. _counts.OrderBy(c => c.Key.Second).Select(c => new AdminAggregatedEvent(c.Key.Second * 1000, c.Key.Type, c.Key.SubType, c.Value))];
            _counts.Clear();
            return all;
        }
    }
}
