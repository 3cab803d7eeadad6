namespace OrleansSocket.Grains.Lifetime;

/// <summary>
/// A grain that holds a set in memory only (room and namespace members, a user's sockets): it stays active
/// while the set has entries and is left to idle collection once it is empty.
/// </summary>
/// <remarks>
/// Idle collection of a quiet grain with entries (nobody calling it for the collection age) would lose them,
/// so the grain keeps itself alive while it has any. It does not deactivate at once when the last one goes
/// either: a <c>DeactivateOnIdle</c> there raced an add already on its way (a socket leaving and rejoining,
/// as on connection state recovery), and Orleans rejected that call after forwarding it twice to deactivating
/// activations ("Forwarding failed ... DeactivateOnIdle was called").
/// </remarks>
internal abstract class KeepAliveWhileNonEmpty : Grain
{
    /// <summary>Call after every change to the set, with its size before and after.</summary>
    protected void OnCountChanged(int before, int after)
    {
        if (before == 0 && after > 0) DelayDeactivation(TimeSpan.MaxValue);
        // A negative delay cancels the keep-alive: the grain is collected after its collection age limit.
        else if (before > 0 && after == 0) DelayDeactivation(TimeSpan.FromSeconds(-1));
    }
}
