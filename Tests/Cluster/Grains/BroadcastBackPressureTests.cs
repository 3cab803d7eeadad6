using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;

namespace OrleansSocket.Tests.Grains;

/// <summary>
/// A burst of broadcasts larger than a memory stream queue holds (16 384) is slowed down, not lost:
/// every message reaches the gateway's stream.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BroadcastBackPressureTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_burst_past_the_queue_capacity_is_delivered_whole()
    {
        const int Count = 20_000;
        var gateway = "gw-backpressure-" + Guid.NewGuid().ToString("N");
        var received = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = fixture.Client.GetStreamProvider(GatewayStreams.Provider).GetStream<GatewayBroadcast>(GatewayStreams.For(gateway));
        var subscription = await stream.SubscribeAsync((_, _) =>
        {
            if (Interlocked.Increment(ref received) == Count) all.TrySetResult();
            return Task.CompletedTask;
        });
        try
        {
            await fixture.Client.GetGrain<IRoomGrain>(RoomKey.Of("/", "burst")).Join("member-1", gateway);
            var io = fixture.Client.ServiceProvider.GetRequiredService<ISocketIO>();

            await Task.WhenAll(Enumerable.Range(0, Count).Select(i => io.To("burst").EmitAsync("n", i)));

            var finished = await Task.WhenAny(all.Task, Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(finished == all.Task, $"received {received} of {Count} broadcasts");
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
    }
}
