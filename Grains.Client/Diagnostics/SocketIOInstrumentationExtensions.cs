using OrleansSocket;

namespace OpenTelemetry.Metrics
{
    /// <summary><c>.WithMetrics(m =&gt; m.AddSocketIOInstrumentation())</c>.</summary>
    public static class SocketIOMeterProviderBuilderExtensions
    {
        /// <summary>Collects OrleansSocket's instruments (the <see cref="SocketIOInstrumentation.Name"/> meter).</summary>
        public static MeterProviderBuilder AddSocketIOInstrumentation(this MeterProviderBuilder builder) =>
            builder.AddMeter(SocketIOInstrumentation.Name);
    }
}

namespace OpenTelemetry.Trace
{
    /// <summary><c>.WithTracing(t =&gt; t.AddSocketIOInstrumentation())</c>.</summary>
    public static class SocketIOTracerProviderBuilderExtensions
    {
        /// <summary>
        /// Records OrleansSocket's spans: the gateway's per connect and event, and the silo's per handler, its child
        /// across the grain call. With <c>Cluster:ActivityPropagation=true</c> silos and gateway clients also propagate
        /// Orleans' trace context (<c>AddActivityPropagation()</c>), so that a handler's calls to the application's
        /// grains join the trace when <c>Microsoft.Orleans.Application</c> is traced too.
        /// </summary>
        public static TracerProviderBuilder AddSocketIOInstrumentation(this TracerProviderBuilder builder) =>
            builder.AddSource(SocketIOInstrumentation.Name);
    }
}
