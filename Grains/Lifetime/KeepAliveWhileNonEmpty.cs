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
    /// <summary>The number of entries in the set.</summary>
    protected abstract int Count { get; }

    /// <summary>Applies <paramref name="change"/> to the set, then keeps the grain alive or lets it go as its size demands.</summary>
    protected Task Change(Action change)
    {
        ChangeAndGet(() =>
        {
            change();
            return 0;
        });
        return Task.CompletedTask;
    }

    /// <summary>As <see cref="Change"/>, with what <paramref name="change"/> returns.</summary>
    protected T ChangeAndGet<T>(Func<T> change)
    {
        var before = Count;
        var result = change();
        var after = Count;
        if (before == 0 && after > 0) DelayDeactivation(TimeSpan.MaxValue);
        // A negative delay cancels the keep-alive: the grain is collected after its collection age limit.
        else if (before > 0 && after == 0) DelayDeactivation(TimeSpan.FromSeconds(-1));
        return result;
    }
}
