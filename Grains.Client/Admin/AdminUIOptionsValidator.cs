using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace OrleansSocket.Grains.Admin;

/// <summary>Checks <c>SocketIO:AdminUI</c>; each message names the configuration key to fix.</summary>
internal sealed partial class AdminUIOptionsValidator : IValidateOptions<AdminUIOptions>
{
    private const string S = AdminUIOptions.Section;

    public ValidateOptionsResult Validate(string? name, AdminUIOptions options)
    {
        var failures = new OptionsFailures();
        if (options.Namespace is not { Length: > 1 } ns || ns[0] != '/' || ns.Contains('*', StringComparison.Ordinal))
            failures.Add($"{S}:Namespace must be a namespace such as /admin (was '{options.Namespace}').");
        switch (options.Authentication)
        {
            case AdminUIAuthentication.Basic:
                if (string.IsNullOrEmpty(options.Username)) failures.Add($"{S}:Username is required with {S}:Authentication=Basic.");
                if (!IsBcryptHash(options.PasswordHash))
                    failures.Add($"{S}:PasswordHash must be a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters) with {S}:Authentication=Basic.");
                break;
            case AdminUIAuthentication.None:
                if (options.Username is not null || options.PasswordHash is not null)
                    failures.Add($"{S}:Username and {S}:PasswordHash are set but {S}:Authentication is None: choose Basic to check them.");
                break;
            default:
                failures.Add($"{S}:Authentication must be Basic (a username and a bcrypt password hash) or, explicitly, None (was {options.Authentication}).");
                break;
        }
        failures.Positive($"{S}:SessionDuration", options.SessionDuration);
        failures.Positive($"{S}:ServerStatsInterval", options.ServerStatsInterval);
        failures.AtLeast($"{S}:MaxPendingEvents", options.MaxPendingEvents, 1);
        failures.AtLeast($"{S}:MaxPendingEventBytes", options.MaxPendingEventBytes, 1);
        return failures.ToResult();
    }

    /// <summary>What Node's <c>bcrypt.getRounds</c> accepts: the modular crypt format with a cost of 4 to 31.</summary>
    internal static bool IsBcryptHash(string? hash) =>
        hash is not null && BcryptHash().Match(hash) is { Success: true } m && int.Parse(m.Groups[1].Value) is >= 4 and <= 31;

    [GeneratedRegex(@"^\$2[abxy]\$(\d\d)\$[./A-Za-z0-9]{53}$")]
    private static partial Regex BcryptHash();
}
