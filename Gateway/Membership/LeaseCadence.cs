namespace OrleansSocket.Gateway.Membership;

/// <summary>
/// When the gateway renews its lease next. Renewals run every third of the lease, each given that third to answer.
/// After a failed renewal the next one must still land inside the lease: waiting a whole third after a renewal that
/// timed out would start the next one just as the lease lapses, and one slow answer would cost every connection.
/// </summary>
internal static class LeaseCadence
{
    /// <summary>The period of renewals, and how long each may take: a third of the lease.</summary>
    public static TimeSpan Period(TimeSpan lease) => lease / 3;

    /// <summary>The wait before the next renewal.</summary>
    /// <param name="lease">The gateway's lease.</param>
    /// <param name="sinceRenewed">Time since the last renewal that succeeded, measured now.</param>
    /// <param name="succeeded">Whether the renewal just made succeeded.</param>
    public static TimeSpan NextDelay(TimeSpan lease, TimeSpan sinceRenewed, bool succeeded)
    {
        var period = Period(lease);
        if (succeeded) return period;
        // The next attempt starts at the latest two periods after the last success, so its full answer time still
        // fits in the lease; a tenth of a period at least, so a cluster that fails at once is not called in a spin.
        var floor = period / 10;
        var untilLastChance = 2 * period - sinceRenewed;
        return untilLastChance < floor ? floor : untilLastChance > period ? period : untilLastChance;
    }
}
