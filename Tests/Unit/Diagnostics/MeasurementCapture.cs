using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansSocket.Tests.Diagnostics;

/// <summary>
/// A container with its own <see cref="SocketIOMeters"/> and a listener that keeps every measurement of that container's
/// meter only (other tests, running at the same time, make meters of the same name through their own factories).
/// </summary>
internal sealed class MeasurementCapture : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddSingleton<SocketIOMeters>().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measured = [];

    public MeasurementCapture()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory) l.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The instruments the measured code records to.</summary>
    public SocketIOMeters Meters => _services.GetRequiredService<SocketIOMeters>();

    /// <summary>The measurements of <paramref name="instrument"/> so far, in order, with their tags.</summary>
    public (double Value, Dictionary<string, object?> Tags)[] Of(string instrument)
    {
        lock (_measured) return [.. _measured.Where(m => m.Instrument == instrument).Select(m => (m.Value, m.Tags))];
    }

    /// <summary>The durations recorded to <paramref name="instrument"/> so far, in seconds rounded to the microsecond, each with
    /// its <paramref name="tag"/> (null when it has none).</summary>
    public (double Seconds, object? Tag)[] Durations(string instrument, string tag) =>
        [.. Of(instrument).Select(m => (Math.Round(m.Value, 6), m.Tags.GetValueOrDefault(tag)))];

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, object?>();
        foreach (var tag in tags) map[tag.Key] = tag.Value;
        lock (_measured) _measured.Add((instrument.Name, value, map));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
