using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansSocket;

/// <summary>Checks <c>SocketIO:Streams</c>; each message names the configuration key to fix.</summary>
internal sealed class SocketIOStreamOptionsValidator : IValidateOptions<SocketIOStreamOptions>
{
    /// <summary>The longest <see cref="SocketIOStreamOptions.IdlePullPeriod"/>: the first broadcast after a quiet spell
    /// from another process waits up to that long, and the pulling agent's housekeeping runs at its pulls.</summary>
    internal static readonly TimeSpan MaxIdlePullPeriod = TimeSpan.FromMinutes(1);

    public ValidateOptionsResult Validate(string? name, SocketIOStreamOptions options)
    {
        var failures = new OptionsFailures();
        const string S = SocketIOStreamOptions.Section;
        failures.Positive($"{S}:PullPeriod", options.PullPeriod);
        if (options.IdlePullPeriod < options.PullPeriod)
            failures.Add($"{S}:IdlePullPeriod must be at least {S}:PullPeriod ({options.PullPeriod}) (was {options.IdlePullPeriod}).");
        if (options.IdlePullPeriod > MaxIdlePullPeriod)
            failures.Add($"{S}:IdlePullPeriod must be at most {MaxIdlePullPeriod} (was {options.IdlePullPeriod}).");
        failures.AtLeast($"{S}:BatchSize", options.BatchSize, 1);
        failures.AtLeast($"{S}:Queues", options.Queues, 1);
        failures.AtLeast($"{S}:MaxLocalBroadcastQueueLength", options.MaxLocalBroadcastQueueLength, 1);
        failures.AtLeast($"{S}:MaxLocalBroadcastQueueBytes", options.MaxLocalBroadcastQueueBytes, 1);
        return failures.ToResult();
    }
}

internal static class SocketIOStreamOptionsExtensions
{
    /// <summary>The stream options as configured, validated now: silos and clients need them to build their providers.</summary>
    /// <exception cref="OptionsValidationException">a value is invalid; the message names its key.</exception>
    internal static SocketIOStreamOptions GetSocketIOStreamOptions(this IConfiguration configuration)
    {
        var options = configuration.GetSection(SocketIOStreamOptions.Section).Get<SocketIOStreamOptions>() ?? new();
        var result = new SocketIOStreamOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed) throw new OptionsValidationException(Options.DefaultName, typeof(SocketIOStreamOptions), result.Failures);
        return options;
    }

    internal static IServiceCollection AddSocketIOStreamOptions(this IServiceCollection services)
    {
        services.AddOptions<SocketIOStreamOptions>().BindConfiguration(SocketIOStreamOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SocketIOStreamOptions>, SocketIOStreamOptionsValidator>();
        services.TryAddSingleton(sp => new OrleansSocket.Grains.Streaming.StreamQueueWaker(sp.GetRequiredService<IGrainFactory>(),
            sp.GetRequiredService<IOptions<SocketIOStreamOptions>>().Value, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }
}
