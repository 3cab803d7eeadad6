using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansSocket;

/// <summary>Checks the <c>Cluster</c> section at start; each message names the configuration key to fix.</summary>
internal sealed class OrleansClusterOptionsValidator : IValidateOptions<OrleansClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, OrleansClusterOptions options)
    {
        List<string> failures = [];
        const string S = OrleansClusterOptions.Section;
        if (options.UsesRedis && string.IsNullOrWhiteSpace(options.RedisConnectionString))
            failures.Add($"{S}:RedisConnectionString is required when {S}:Clustering is Redis.");
        Port(failures, $"{S}:SiloPort", options.SiloPort);
        Port(failures, $"{S}:GatewayPort", options.GatewayPort);
        Port(failures, $"{S}:ClientGatewayPort", options.ClientGatewayPort);
        if (options.AdvertisedIPAddress is { Length: > 0 } address && !IPAddress.TryParse(address, out _))
            failures.Add($"{S}:AdvertisedIPAddress '{address}' is not an IP address.");
        if (string.IsNullOrWhiteSpace(options.ClusterId)) failures.Add($"{S}:ClusterId must not be empty.");
        if (string.IsNullOrWhiteSpace(options.ServiceId)) failures.Add($"{S}:ServiceId must not be empty.");
        Positive(failures, $"{S}:ConnectTimeout", options.ConnectTimeout);
        Positive(failures, $"{S}:ClientDropTimeout", options.ClientDropTimeout);
        Positive(failures, $"{S}:GatewayLease", options.GatewayLease);
        if (options.ResponseTimeout is { } timeout) Positive(failures, $"{S}:ResponseTimeout", timeout);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Port(List<string> failures, string key, int? port)
    {
        if (port is < 0 or > 65535) failures.Add($"{key} must be between 0 and 65535 (was {port}).");
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero) failures.Add($"{key} must be positive (was {value}).");
    }
}
