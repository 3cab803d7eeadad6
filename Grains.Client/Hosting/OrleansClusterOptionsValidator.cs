using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansSocket;

/// <summary>Checks the <c>Cluster</c> section at start; each message names the configuration key to fix.</summary>
internal sealed class OrleansClusterOptionsValidator : IValidateOptions<OrleansClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, OrleansClusterOptions options)
    {
        var failures = new OptionsFailures();
        const string S = OrleansClusterOptions.Section;
        if (options.UsesRedis && string.IsNullOrWhiteSpace(options.RedisConnectionString))
            failures.Add($"{S}:RedisConnectionString is required when {S}:Clustering is Redis.");
        failures.Port($"{S}:SiloPort", options.SiloPort);
        failures.Port($"{S}:GatewayPort", options.GatewayPort);
        failures.Port($"{S}:ClientGatewayPort", options.ClientGatewayPort);
        if (options.AdvertisedIPAddress is { Length: > 0 } address && !IPAddress.TryParse(address, out _))
            failures.Add($"{S}:AdvertisedIPAddress '{address}' is not an IP address.");
        if (string.IsNullOrWhiteSpace(options.ClusterId)) failures.Add($"{S}:ClusterId must not be empty.");
        if (string.IsNullOrWhiteSpace(options.ServiceId)) failures.Add($"{S}:ServiceId must not be empty.");
        failures.Positive($"{S}:ConnectTimeout", options.ConnectTimeout);
        failures.Positive($"{S}:ClientDropTimeout", options.ClientDropTimeout);
        failures.Positive($"{S}:GatewayLease", options.GatewayLease);
        if (options.DirectoryCacheSize < 1) failures.Add($"{S}:DirectoryCacheSize must be at least 1 (was {options.DirectoryCacheSize}).");
        if (options.ResponseTimeout is { } timeout) failures.Positive($"{S}:ResponseTimeout", timeout);
        return failures.ToResult();
    }
}
