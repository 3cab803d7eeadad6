namespace OrleansSocket.Gateway.Membership;

/// <summary>
/// The renewals that failed in a row. While a silo that held the gateway-membership grain is not yet declared dead, every
/// renewal fails, as often as <see cref="LeaseCadence"/> retries (several times a second near the end of a lease): the
/// first failure of a run is worth a warning with its exception, the others one Debug line each, and the end of the run
/// one line that says how long it lasted.
/// </summary>
internal sealed class LeaseFailureRun(TimeProvider time)
{
    private int _count;
    private long _since;

    /// <summary>A renewal failed.</summary>
    /// <returns>How many failed in a row, this one included: 1 starts a run.</returns>
    public int Failed()
    {
        if (_count == 0) _since = time.GetTimestamp();
        return ++_count;
    }

    /// <summary>A renewal succeeded: the run, if any, ends.</summary>
    /// <returns>The failures of the run that ended and how long since the first of them; null when none had failed.</returns>
    public (int Failures, TimeSpan Duration)? Succeeded()
    {
        if (_count == 0) return null;
        var ended = (_count, time.GetElapsedTime(_since));
        _count = 0;
        return ended;
    }
}
