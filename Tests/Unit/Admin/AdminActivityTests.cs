using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Grains.Adapters;
using OrleansSocket.Grains.Admin;
using OrleansSocket.Grains.Emitting;

namespace OrleansSocket.Tests.Admin;

/// <summary>The development mode's queue in a silo, not started (nothing drains it): its bound and what it leaves out.</summary>
public sealed class AdminActivityTests
{
    private static readonly SocketPayload Payload = new(Encoding.UTF8.GetBytes("[1]"));

    private static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static AdminActivity Activity(AdminUIMode mode, int maxPending, long maxBytes = 1 << 20, IServiceProvider? services = null) =>
        new(Options.Create(new AdminUIOptions
        {
            Authentication = AdminUIAuthentication.None, Mode = mode, MaxPendingEvents = maxPending, MaxPendingEventBytes = maxBytes,
        }), services ?? new ServiceCollection().BuildServiceProvider(), new FakeTimeProvider(Start), NullLogger<AdminActivity>.Instance);

    /// <summary>The <c>event_received</c> notice of <c>ping</c> with <see cref="Payload"/>, as the admin namespace gets it.</summary>
    private static readonly int PingBytes = "[\"/\",\"a\",[\"ping\",1],\"2026-01-02T03:04:05+00:00\"]"u8.Length;

    [Fact]
    public void A_notice_counts_the_bytes_of_its_encoded_arguments_up_to_MaxPendingEventBytes()
    {
        var exact = Activity(AdminUIMode.Development, maxPending: 10, maxBytes: PingBytes);
        exact.EventReceived("/", "a", "ping", Payload);
        Assert.Equal((1, (long)PingBytes, 0L), (exact.Pending, exact.PendingBytes, exact.Dropped));

        var oneShort = Activity(AdminUIMode.Development, maxPending: 10, maxBytes: PingBytes - 1);
        oneShort.EventReceived("/", "a", "ping", Payload);
        Assert.Equal((0, 0L, 1L), (oneShort.Pending, oneShort.PendingBytes, oneShort.Dropped));
    }

    [Fact]
    public async Task Sent_notices_give_their_room_back()
    {
        var services = new ServiceCollection()
            .AddSingleton<ISocketIO>(new SocketIOEmitter(new InProcessAdapter()))
            .BuildServiceProvider();
        var activity = Activity(AdminUIMode.Development, maxPending: 10, maxBytes: PingBytes, services);
        activity.EventReceived("/", "a", "ping", Payload);
        activity.EventReceived("/", "a", "ping", Payload);
        Assert.Equal((1, 1L), (activity.Pending, activity.Dropped));

        await activity.StartAsync(CancellationToken.None);
        try
        {
            // Drained by the background loop: wait for it (no timing is asserted).
            for (var i = 0; i < 500 && activity.Pending > 0; i++) await Task.Delay(10);
            Assert.Equal((0, 0L), (activity.Pending, activity.PendingBytes));
            activity.EventReceived("/", "a", "ping", Payload);
            Assert.Equal(1L, activity.Dropped);
        }
        finally
        {
            await activity.StopAsync(CancellationToken.None);
        }
    }

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
        // The grains then leave it out altogether.
        Assert.Equal((true, false), (development.IsEnabled, production.IsEnabled));
    }
}
