using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansSocket;

/// <summary>
/// Log categories an OrleansSocket silo sets to Warning by default, as ASP.NET Core's template does for
/// <c>Microsoft.AspNetCore</c>: lines written per grain placement rather than per connection.
/// </summary>
internal static class DefaultLogFilters
{
    /// <summary>Polly's telemetry: Orleans runs every grain placement through a resilience pipeline that logs
    /// "Execution attempt" and "Resilience pipeline executed" at Information. Retries and failures stay (Warning).</summary>
    public static readonly IReadOnlyList<string> QuietCategories = ["Polly"];

    /// <summary>
    /// Adds the rules at the front of the list: the logging rule selector prefers, among rules of equal
    /// specificity, the one added last, so the application's own rule for the same category (configuration
    /// <c>Logging:LogLevel:Polly</c> or <c>AddFilter</c>, in any order) replaces these.
    /// </summary>
    public static IServiceCollection AddDefaultLogFilters(this IServiceCollection services) =>
        services.Configure<LoggerFilterOptions>(options =>
        {
            foreach (var category in QuietCategories)
                options.Rules.Insert(0, new LoggerFilterRule(providerName: null, category, LogLevel.Warning, filter: null));
        });
}
