namespace OrleansSocket.Grains.Admin;

/// <summary>
/// Counts of a gateway's connection events per second and kind (socket.io-admin-ui's <c>EventBuffer</c>), taken with
/// each <c>server_stats</c>: <c>rawConnection</c>, <c>rawDisconnection</c>, <c>packetsIn</c>, <c>packetsOut</c>, <c>bytesIn</c>,
/// <c>bytesOut</c>. Holds at most one entry per kind and second since the last take.
/// </summary>
internal sealed class AdminEventBuffer(TimeProvider time)
{
    private readonly Dictionary<(long Second, string Type), int> _counts = [];

    public void Add(string type, long count = 1)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        lock (_counts)
        {
            var total = _counts.GetValueOrDefault((second, type)) + count;
            _counts[(second, type)] = (int)Math.Min(total, int.MaxValue);
        }
    }

    /// <summary>What was counted since the last call, oldest second first; the buffer is empty afterwards.</summary>
    public AdminAggregatedEvent[] TakeAll()
    {
        lock (_counts)
        {
            AdminAggregatedEvent[] all = [.. _counts.OrderBy(c => c.Key.Second).Select(c => new AdminAggregatedEvent(c.Key.Second * 1000, c.Key.Type, null, c.Value))];
            _counts.Clear();
            return all;
        }
    }
}
