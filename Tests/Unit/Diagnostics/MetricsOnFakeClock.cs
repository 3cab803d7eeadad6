using Microsoft.Extensions.Time.Testing;

namespace OrleansSocket.Tests.Diagnostics;

/// <summary>
/// A metric test's fixture: its own <see cref="MeasurementCapture"/> and the fake clock the measured code reads, so that
/// durations are exact.
/// </summary>
public abstract class MetricsOnFakeClock : IDisposable
{
    /// <summary>The measurements of this test's own meters.</summary>
    private protected MeasurementCapture Capture { get; } = new();

    /// <summary>The clock the measured code is given; the test advances it.</summary>
    private protected FakeTimeProvider Time { get; } = new();

    /// <summary>Stops listening and disposes the capture's container.</summary>
    public void Dispose()
    {
        Capture.Dispose();
        GC.SuppressFinalize(this);
    }
}
