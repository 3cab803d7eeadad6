using System.Diagnostics;

namespace OrleansSocket.Gateway.Diagnostics;

/// <summary>
/// The gateway's spans: one per CONNECT and per EVENT it forwards, current during the call to the socket's grain, and
/// its trace context in the call's <see cref="RequestContext"/> (W3C <c>traceparent</c>/<c>tracestate</c>, the keys of
/// Orleans' activity propagation), from which the silo's handler span continues the trace. Orleans' own propagation does
/// not carry it by itself: it injects the context of its grain call span, which for OrleansSocket's grain interfaces
/// (namespace <c>OrleansSocket.*</c>, taken for Orleans' own) exists only when <c>Microsoft.Orleans.Runtime</c> is traced.
/// Called at the start of an async method, so that what it sets ends with that method.
/// </summary>
internal static class GatewayTelemetry
{
    // The same name as the silo's source: one ActivitySource name for OrleansSocket, wherever it runs.
    private static readonly ActivitySource Source = new(SocketIOInstrumentation.Name);

    public static Activity? StartConnect(string ns, string socketId) => Start("socketio.connect", ns, socketId, null);

    public static Activity? StartEvent(string ns, string socketId, string eventName) => Start("socketio.event", ns, socketId, eventName);

    private static Activity? Start(string name, string ns, string socketId, string? eventName)
    {
        var activity = Source.StartActivity(name, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(SocketIOInstrumentation.NamespaceTag, ns);
            activity.SetTag(SocketIOInstrumentation.SocketIdTag, socketId);
            if (eventName is not null) activity.SetTag(SocketIOInstrumentation.EventTag, eventName);
        }
        if (activity is { IdFormat: ActivityIdFormat.W3C })
        {
            RequestContext.Set("traceparent", activity.Id!);
            if (activity.TraceStateString is { } state) RequestContext.Set("tracestate", state);
        }
        return activity;
    }
}
