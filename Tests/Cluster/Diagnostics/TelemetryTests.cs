using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OrleansSocket.Testing;
using OrleansSocket.Tests.Testing;

namespace OrleansSocket.Tests.Diagnostics;

/// <summary>Alone: meter and activity listeners see every server of the process, so no other test may run meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "OpenTelemetry (alone)";
}

/// <summary>
/// OrleansSocket's metrics and traces through the OpenTelemetry SDK and its in-memory exporter, on the test kit's real
/// session layer and a real silo: connection and socket gauges, events received, handler durations, broadcast
/// counters, and a handler's span the child of the gateway's across the grain call.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests : IAsyncLifetime
{
    private readonly List<Metric> _metrics = [];
    private readonly List<Activity> _spans = [];
    private MeterProvider _meterProvider = null!;
    private TracerProvider _tracerProvider = null!;
    private SocketIOTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _meterProvider = Sdk.CreateMeterProviderBuilder().AddSocketIOInstrumentation().AddInMemoryExporter(_metrics).Build()!;
        _tracerProvider = Sdk.CreateTracerProviderBuilder().AddSocketIOInstrumentation().AddInMemoryExporter(_spans).Build()!;
        var log = new HandlerLog();
        // The Orleans adapter (per-gateway streams), as a cluster broadcasts: the stream and delivery counts are its.
        _server = await SocketIOTestServer.StartAsync(io => ChatApp.Register(io, log), services => services.AddSingleton(log),
            new SocketIOTestServerOptions { OrleansAdapter = true });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _meterProvider.Dispose();
        _tracerProvider.Dispose();
    }

    private IEnumerable<MetricPoint> Points(string name)
    {
        _metrics.Clear();
        _meterProvider.ForceFlush();
        foreach (var metric in _metrics.Where(m => m.Name == name))
            foreach (ref readonly var point in metric.GetMetricPoints())
                yield return point;
    }

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
            if (tag.Key == key) return tag.Value?.ToString();
        return null;
    }

    private long Sum(string name, params (string Key, string Value)[] tags) =>
        Points(name).Where(p => tags.All(t => Tag(p, t.Key) == t.Value)).Sum(p => p.GetSumLong());

    private long HistogramCount(string name, params (string Key, string Value)[] tags) =>
        Points(name).Where(p => tags.All(t => Tag(p, t.Key) == t.Value)).Sum(p => p.GetHistogramCount());

    [Fact]
    public async Task ConnectionsSocketsEventsAndHandlerDurationsAreMeasured()
    {
        var client = await _server.ConnectAsync(new { token = "secret" });
        Assert.True(client.IsConnected);
        Assert.Equal(1, Sum(SocketIOInstrumentation.ActiveConnections));
        Assert.Equal(1, Sum(SocketIOInstrumentation.ActiveSockets, (SocketIOInstrumentation.NamespaceTag, "/")));
        Assert.Equal(1, HistogramCount(SocketIOInstrumentation.HandlerDuration, (SocketIOInstrumentation.HandlerKindTag, "connect")));

        Assert.Equal(5, (await client.EmitWithAckAsync("add", 2, 3)).Args[0].GetInt32());
        Assert.Equal(7, (await client.EmitWithAckAsync("add", 3, 4)).Args[0].GetInt32());
        Assert.Equal(2, Sum(SocketIOInstrumentation.EventsReceived, (SocketIOInstrumentation.NamespaceTag, "/")));
        Assert.Equal(2, HistogramCount(SocketIOInstrumentation.HandlerDuration,
            (SocketIOInstrumentation.NamespaceTag, "/"), (SocketIOInstrumentation.HandlerKindTag, "event")));

        await client.DisposeAsync();
        // The test client's disconnect leaves its namespace; its Engine.IO connection stays open, as a manager's would.
        await WaitUntil(() => Sum(SocketIOInstrumentation.ActiveSockets) == 0 && Sum(SocketIOInstrumentation.ActiveConnections) == 1
            && HistogramCount(SocketIOInstrumentation.HandlerDuration, (SocketIOInstrumentation.HandlerKindTag, "disconnect")) == 1,
            () => $"sockets {Sum(SocketIOInstrumentation.ActiveSockets)}, connections {Sum(SocketIOInstrumentation.ActiveConnections)}, disconnects {HistogramCount(SocketIOInstrumentation.HandlerDuration, (SocketIOInstrumentation.HandlerKindTag, "disconnect"))}");
    }

    [Fact]
    public async Task EventsSentAcksTimeoutsAndBytesAreCounted()
    {
        var client = await _server.ConnectAsync(new { token = "secret" }); // the connect handler emits "welcome"
        var silent = await _server.ConnectAsync(new { token = "secret" });
        silent.OnServerAck = _ => null; // never answers
        Assert.Equal(2, Sum(SocketIOInstrumentation.EventsSent, (SocketIOInstrumentation.NamespaceTag, "/")));

        client.OnServerAck = _ => ["forty-two"];
        Assert.Equal("forty-two", (await client.EmitWithAckAsync("ask", "the answer?")).Args[0].GetString());
        Assert.Equal(3, Sum(SocketIOInstrumentation.EventsSent, (SocketIOInstrumentation.NamespaceTag, "/")));
        Assert.Equal(1, Sum(SocketIOInstrumentation.AcksReceived, (SocketIOInstrumentation.NamespaceTag, "/")));
        Assert.Equal(0, Sum(SocketIOInstrumentation.AckTimeouts));

        // A broadcast with acks to a room of both: the silent one times out.
        await client.EmitAsync("join", "voters");
        await silent.EmitAsync("join", "voters");
        var poll = await client.EmitWithAckAsync("poll", "voters", 200);
        Assert.False(poll.Args[0].GetProperty("allAnswered").GetBoolean());
        Assert.Equal(1, Sum(SocketIOInstrumentation.AckTimeouts, (SocketIOInstrumentation.NamespaceTag, "/")));
        Assert.Equal(2, Sum(SocketIOInstrumentation.AcksReceived, (SocketIOInstrumentation.NamespaceTag, "/")));

        Assert.True(Sum(SocketIOInstrumentation.Io, ("network.io.direction", "receive")) > 0);
        Assert.True(Sum(SocketIOInstrumentation.Io, ("network.io.direction", "transmit")) > 0);
        await client.DisposeAsync();
        await silent.DisposeAsync();
    }

    [Fact]
    public async Task ABroadcastIsCountedPerGatewayAndPerDelivery()
    {
        var first = await _server.ConnectAsync(new { token = "secret" });
        var second = await _server.ConnectAsync(new { token = "secret" });
        await _server.SocketIO.EmitAsync("news", "hello");
        await _server.FlushAsync();
        Assert.Equal("hello", (await first.WaitForAsync("news")).Args[0].GetString());
        Assert.Equal("hello", (await second.WaitForAsync("news")).Args[0].GetString());

        Assert.Equal(1, Sum(SocketIOInstrumentation.BroadcastStreamMessages)); // one gateway
        Assert.Equal(2, Sum(SocketIOInstrumentation.BroadcastDeliveries));
        await first.DisposeAsync();
        await second.DisposeAsync();
    }

    [Fact]
    public async Task TheHandlersSpanContinuesTheGatewaysAcrossTheGrainCall()
    {
        var client = await _server.ConnectAsync(new { token = "secret" });
        await client.EmitWithAckAsync("add", 1, 2);
        _tracerProvider.ForceFlush();

        bool Of(Activity a) => (string?)a.GetTagItem(SocketIOInstrumentation.SocketIdTag) == client.Id;
        var gateway = Assert.Single(_spans, a => a.OperationName == "socketio.event" && Of(a));
        var handler = Assert.Single(_spans, a => a.OperationName == "socketio.handle event" && Of(a));
        Assert.Equal(ActivityKind.Client, gateway.Kind);
        Assert.Equal("add", gateway.GetTagItem(SocketIOInstrumentation.EventTag));
        Assert.Equal("add", handler.GetTagItem(SocketIOInstrumentation.EventTag));
        Assert.True(gateway.TraceId == handler.TraceId, string.Join("\n", _spans.Select(s => $"{s.Source.Name} {s.OperationName} {s.Kind} trace {s.TraceId} span {s.SpanId} parent {s.ParentSpanId} {s.GetTagItem(SocketIOInstrumentation.SocketIdTag)}")));
        Assert.Equal(gateway.SpanId, handler.ParentSpanId);
        Assert.Single(_spans, a => a.OperationName == "socketio.connect" && Of(a));
        Assert.Single(_spans, a => a.OperationName == "socketio.handle connect" && Of(a));
        await client.DisposeAsync();
    }

    [Fact]
    public async Task ABroadcastsDeliveryLinksToTheEmittingHandlersSpan()
    {
        var sender = await _server.ConnectAsync(new { token = "secret" });
        var listener = await _server.ConnectAsync(new { token = "secret" });
        await sender.EmitAsync("shout", "hi all");
        await _server.FlushAsync();
        Assert.Equal("hi all", (await listener.WaitForAsync("shout")).Args[0].GetString());
        _tracerProvider.ForceFlush();

        var handler = Assert.Single(_spans, a => a.OperationName == "socketio.handle event"
            && (string?)a.GetTagItem(SocketIOInstrumentation.SocketIdTag) == sender.Id);
        var delivery = Assert.Single(_spans, a => a.OperationName == "socketio.broadcast" && (string?)a.GetTagItem(SocketIOInstrumentation.EventTag) == "shout");
        Assert.Equal(ActivityKind.Consumer, delivery.Kind);
        Assert.Equal(1, delivery.GetTagItem("socketio.broadcast.deliveries")); // the sender is left out
        var link = Assert.Single(delivery.Links);
        Assert.Equal(handler.TraceId, link.Context.TraceId);
        Assert.Equal(handler.SpanId, link.Context.SpanId);
        await sender.DisposeAsync();
        await listener.DisposeAsync();
    }

    private static async Task WaitUntil(Func<bool> condition, Func<string>? describe = null)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"not within 30 s: {describe?.Invoke()}");
            await Task.Delay(20);
        }
    }
}
