using System.Diagnostics;

namespace OrleansSocket.Grains.Diagnostics;

/// <summary>
/// Runs a handler inside a <c>socketio.handle …</c> span and records its duration. The span is the child of the
/// gateway's span across the grain call: of Orleans' server span when that is recorded, else of the trace context
/// Orleans' activity propagation carried in the request context. It ends when the handler's task does, which may be
/// after the grain call returned (a handler that awaits lets the socket's next event start).
/// </summary>
internal static class HandlerTelemetry
{
    public static Task<T> Run<T>(SocketIOMeters? meters, string kind, string ns, string socketId, string? eventName, Func<Task<T>> handler) =>
        Run(meters, kind, ns, socketId, eventName, handler, static handler => handler());

    /// <summary>As <see cref="Run{T}(SocketIOMeters?, string, string, string, string?, Func{Task{T}})"/>, the handler
    /// called with <paramref name="state"/>: a static lambda and a struct state make no closure, for the path of every event.</summary>
    public static Task<T> Run<TState, T>(SocketIOMeters? meters, string kind, string ns, string socketId, string? eventName,
        TState state, Func<TState, Task<T>> handler)
    {
        var previous = Activity.Current;
        var activity = Start(kind, ns, socketId, eventName);
        var started = Stopwatch.GetTimestamp();
        Task<T> task;
        try
        {
            task = handler(state);
        }
        catch (Exception e)
        {
            Finish(activity, meters, kind, ns, started, e);
            throw;
        }
        finally
        {
            // The span is current for the handler's own continuations only, not for the grain's code after this call.
            Activity.Current = previous;
        }
        if (task.IsCompleted)
        {
            Finish(activity, meters, kind, ns, started, task.Exception?.InnerException);
            return task;
        }
        return FinishLaterAsync(task, activity, meters, kind, ns, started);
    }

    private static async Task<T> FinishLaterAsync<T>(Task<T> task, Activity? activity, SocketIOMeters? meters, string kind, string ns, long started)
    {
        try
        {
            var result = await task;
            Finish(activity, meters, kind, ns, started, null);
            return result;
        }
        catch (Exception e)
        {
            Finish(activity, meters, kind, ns, started, e);
            throw;
        }
    }

    private static Activity? Start(string kind, string ns, string socketId, string? eventName)
    {
        if (!SocketIOInstrumentation.Source.HasListeners()) return null;
        ActivityContext parent = default;
        if (Activity.Current is null && RequestContext.Get("traceparent") is string traceParent)
            ActivityContext.TryParse(traceParent, RequestContext.Get("tracestate") as string, out parent);
        var activity = SocketIOInstrumentation.Source.StartActivity($"socketio.handle {kind}", ActivityKind.Internal, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(SocketIOInstrumentation.NamespaceTag, ns);
            activity.SetTag(SocketIOInstrumentation.SocketIdTag, socketId);
            activity.SetTag(SocketIOInstrumentation.HandlerKindTag, kind);
            if (eventName is not null) activity.SetTag(SocketIOInstrumentation.EventTag, eventName);
        }
        return activity;
    }

    private static void Finish(Activity? activity, SocketIOMeters? meters, string kind, string ns, long started, Exception? error)
    {
        meters?.HandlerRan(kind, ns, Stopwatch.GetElapsedTime(started), error);
        if (activity is null) return;
        if (error is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
            activity.SetTag("error.type", error.GetType().FullName);
        }
        activity.Dispose();
    }
}
