using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansSocket;

/// <summary>Checks <c>SocketIO:EventLink</c>; each message names the configuration key to fix.</summary>
internal sealed class EventLinkOptionsValidator : IValidateOptions<EventLinkOptions>
{
    public ValidateOptionsResult Validate(string? name, EventLinkOptions options)
    {
        var failures = new OptionsFailures();
        const string S = EventLinkOptions.Section;
        if (options.ListenAddress is { } address && !IPAddress.TryParse(address, out _))
            failures.Add($"{S}:ListenAddress '{address}' is not an IP address.");
        if (options.Port is < 0 or > IPEndPoint.MaxPort)
            failures.Add($"{S}:Port must be between 0 and {IPEndPoint.MaxPort} (was {options.Port}).");
        failures.AtLeast($"{S}:MaxFrameBytes", options.MaxFrameBytes, 1);
        failures.AtLeast($"{S}:MaxBatchesInFlight", options.MaxBatchesInFlight, 1);
        failures.AtLeast($"{S}:MaxConnections", options.MaxConnections, 1);
        return failures.ToResult();
    }
}
