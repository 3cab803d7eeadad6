using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Grains.Admin;

namespace OrleansSocket.Tests.Admin;

public sealed class AdminEventBufferTests
{
    [Fact]
    public void Counts_are_summed_per_second_and_kind_and_taken_once()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_300));
        var buffer = new AdminEventBuffer(time);

        buffer.Add("rawConnection");
        buffer.Add("bytesIn", 40);
        buffer.Add("bytesIn", 2);
        time.Advance(TimeSpan.FromSeconds(1));
        buffer.Add("rawConnection");

        var taken = buffer.TakeAll();
        Assert.Equal(
            [new AdminAggregatedEvent(1_000_000, "bytesIn", null, 42), new AdminAggregatedEvent(1_000_000, "rawConnection", null, 1),
                new AdminAggregatedEvent(1_001_000, "rawConnection", null, 1)],
            taken.OrderBy(e => e.Timestamp).ThenBy(e => e.Type, StringComparer.Ordinal));
        Assert.Equal(1_000_000, taken[0].Timestamp); // oldest second first
        Assert.Empty(buffer.TakeAll());
    }

    [Fact]
    public void Disconnections_are_counted_per_reason()
    {
        var buffer = new AdminEventBuffer(new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(5_000)));

        buffer.Add("rawDisconnection", subType: "ping timeout");
        buffer.Add("rawDisconnection", subType: "transport close");
        buffer.Add("rawDisconnection", subType: "ping timeout");

        Assert.Equal(
            [new AdminAggregatedEvent(5_000, "rawDisconnection", "ping timeout", 2), new AdminAggregatedEvent(5_000, "rawDisconnection", "transport close", 1)],
            buffer.TakeAll().OrderBy(e => e.SubType, StringComparer.Ordinal));
    }
}
