using OrleansSocket.Gateway.Membership;

namespace OrleansSocket.Tests.Membership;

/// <summary>
/// The lease renewal cadence: renewals every third of the lease, each allowed a third to answer; after a failure the
/// next attempt still fits in the lease.
/// </summary>
public sealed class LeaseCadenceTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    [Fact]
    public void After_a_renewal_the_next_comes_a_period_later() =>
        Assert.Equal(Period, LeaseCadence.NextDelay(Lease, TimeSpan.Zero, succeeded: true));

    [Fact]
    public void After_a_renewal_that_timed_out_the_next_starts_at_once_and_can_still_answer_inside_the_lease()
    {
        // Last success at 0; the next renewal started at one period and timed out at two.
        var delay = LeaseCadence.NextDelay(Lease, 2 * Period, succeeded: false);
        Assert.Equal(Period / 10, delay);
        // It reaches the grain with most of a period to spare; waiting a whole period would start it as the lease lapses.
        Assert.Equal(Lease - Period + Period / 10, 2 * Period + delay);
    }

    [Fact]
    public void After_a_renewal_that_failed_at_once_the_cadence_stays()
    {
        // Last success at 0; the renewal at one period failed immediately: the next at two periods, its last chance.
        Assert.Equal(Period, LeaseCadence.NextDelay(Lease, Period, succeeded: false));
    }

    [Fact]
    public void A_cluster_that_keeps_failing_at_once_is_retried_at_a_tenth_of_a_period_not_in_a_spin()
    {
        Assert.Equal(Period / 10, LeaseCadence.NextDelay(Lease, 5 * Period, succeeded: false));
        Assert.Equal(Period / 10, LeaseCadence.NextDelay(Lease, 2 * Period, succeeded: false));
    }

    [Fact]
    public void A_failure_part_way_through_a_period_waits_only_until_the_last_chance()
    {
        var delay = LeaseCadence.NextDelay(Lease, Period + TimeSpan.FromSeconds(0.5), succeeded: false);
        Assert.Equal(TimeSpan.FromSeconds(1.5), delay);
    }
}
