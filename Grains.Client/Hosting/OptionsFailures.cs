using Microsoft.Extensions.Options;

namespace OrleansSocket;

/// <summary>
/// What an options validator found, each message naming the configuration key to fix: the checks the gateway's,
/// the cluster's and the streams' validators share, so that their messages read alike.
/// </summary>
internal sealed class OptionsFailures
{
    private readonly List<string> _failures = [];

    /// <summary>Adds a message of the validator's own.</summary>
    public void Add(string failure) => _failures.Add(failure);

    /// <summary><paramref name="value"/> must be <paramref name="minimum"/> or more.</summary>
    public void AtLeast(string key, long value, long minimum)
    {
        if (value < minimum) _failures.Add($"{key} must be at least {minimum} (was {value}).");
    }

    /// <summary><paramref name="value"/> must be longer than zero.</summary>
    public void Positive(string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero) _failures.Add($"{key} must be positive (was {value}).");
    }

    /// <summary><paramref name="port"/>, when set, must be a TCP port (0: any free one).</summary>
    public void Port(string key, int? port)
    {
        if (port is < 0 or > 65535) _failures.Add($"{key} must be between 0 and 65535 (was {port}).");
    }

    /// <summary>Success when nothing was found, else every message.</summary>
    public ValidateOptionsResult ToResult() =>
        _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);
}
