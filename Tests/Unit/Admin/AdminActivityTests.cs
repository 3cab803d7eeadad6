using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Grains.Admin;

namespace OrleansSocket.Tests.Admin;

/// <summary>The development mode's queue in a silo, not started (nothing drains it): its bound and what it leaves out.</summary>
public sealed class AdminActivityTests
{
    private static readonly SocketPayload Payload = new(Encoding.UTF8.GetBytes("[1]"));

    private static AdminActivity Activity(AdminUIMode mode, int maxPending) => new(Options.Create(new AdminUIOptions
    {
        Authentication = AdminUIAuthentication.None, Mode = mode, MaxPendingEvents = maxPending,
    }), new ServiceCollection().BuildServiceProvider(), new FakeTimeProvider(), NullLogger<AdminActivity>.Instance);

    [Fact]
    public void At_most_MaxPendingEvents_wait_the_newest_are_dropped()
    {
        var activity = Activity(AdminUIMode.Development, maxPending: 3);

        activity.EventReceived("/", "a", "ping", Payload);
        activity.EventSent("/", "a", "pong", Payload);
        activity.Disconnected("/", "a", "transport close");
        Assert.Equal((3, 0L), (activity.Pending, activity.Dropped));

        activity.Joined("/", "b", ["r1", "r2"]);
        Assert.Equal((3, 2L), (activity.Pending, activity.Dropped));
    }

    [Fact]
    public void The_admin_namespaces_own_events_and_production_mode_queue_nothing()
    {
        var development = Activity(AdminUIMode.Development, maxPending: 10);
        development.EventReceived("/admin", "a", "join", Payload);
        development.EventSent("/admin", "a", "session", Payload);
        Assert.Equal(0, development.Pending);

        var production = Activity(AdminUIMode.Production, maxPending: 10);
        production.EventReceived("/", "a", "ping", Payload);
        production.Disconnected("/", "a", "transport close");
        Assert.Equal((0, 0L), (production.Pending, production.Dropped));
    }
}
