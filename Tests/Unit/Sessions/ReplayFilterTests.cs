using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Tests.Sessions;

/// <summary>The recovery replay filter: the live copy of a replayed packet is dropped once, within its window.</summary>
public sealed class ReplayFilterTests
{
    [Fact]
    public void The_live_copy_of_each_replayed_offset_is_dropped_once()
    {
        var filter = new ReplayFilter(new FakeTimeProvider());
        filter.Replayed(["1-0", "1-1"]);
        Assert.True(filter.IsReplayed("1-1"));
        Assert.False(filter.IsReplayed("1-1")); // a second copy is a new packet
        Assert.False(filter.IsReplayed("1-2"));
        Assert.False(filter.IsReplayed(null)); // volatile and direct emits have no offset
        Assert.True(filter.IsReplayed("1-0"));
    }

    [Fact]
    public void Without_a_recovery_everything_passes()
    {
        var filter = new ReplayFilter(new FakeTimeProvider());
        Assert.False(filter.IsReplayed("1-0"));
        filter.Replayed([]);
        Assert.False(filter.IsReplayed("1-0"));
    }

    [Fact]
    public void After_the_window_the_offsets_are_forgotten()
    {
        var time = new FakeTimeProvider();
        var filter = new ReplayFilter(time);
        filter.Replayed(["1-0", "1-1"]);
        time.Advance(ReplayFilter.Window);
        Assert.True(filter.IsReplayed("1-0")); // at the edge: still kept
        time.Advance(TimeSpan.FromTicks(1));
        Assert.False(filter.IsReplayed("1-1"));
    }
}
