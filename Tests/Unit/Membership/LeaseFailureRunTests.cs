using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Gateway.Membership;

namespace OrleansSocket.Tests.Membership;

/// <summary>
/// Renewals that fail in a row: the first starts a run (warned with its exception), the next ones count on, and the first
/// success ends the run with its length and duration, on a fake clock.
/// </summary>
public sealed class LeaseFailureRunTests
{
    [Fact]
    public void A_success_without_failures_ends_no_run()
    {
        var run = new LeaseFailureRun(new FakeTimeProvider());
        Assert.Null(run.Succeeded());
    }

    [Fact]
    public void Failures_count_in_a_row_and_a_success_reports_them_and_the_time_since_the_first()
    {
        var time = new FakeTimeProvider();
        var run = new LeaseFailureRun(time);
        Assert.Equal(1, run.Failed());
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, run.Failed());
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(3, run.Failed());
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal((3, TimeSpan.FromSeconds(6)), run.Succeeded());
        Assert.Null(run.Succeeded());
    }

    [Fact]
    public void A_failure_after_a_success_starts_a_new_run_timed_from_itself()
    {
        var time = new FakeTimeProvider();
        var run = new LeaseFailureRun(time);
        run.Failed();
        run.Succeeded();
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, run.Failed());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((1, TimeSpan.FromSeconds(1)), run.Succeeded());
    }
}
