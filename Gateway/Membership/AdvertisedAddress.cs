using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OrleansSocket.Gateway.Hosting;

namespace OrleansSocket.Gateway.Membership;

/// <summary>The HTTP address a gateway advertises in its membership, for other gateways to relay its sessions to.</summary>
internal static class AdvertisedAddress
{
    /// <summary><see cref="SocketIOOptions.AdvertisedUrl"/>, else the first TCP address Kestrel bound (wildcard host → host name).</summary>
    /// <exception cref="InvalidOperationException">No URL is configured and no TCP address is bound.</exception>
    public static string Of(SocketIOOptions options, IServer server)
    {
        if (!string.IsNullOrWhiteSpace(options.AdvertisedUrl))
        {
            var configured = new Uri(options.AdvertisedUrl, UriKind.Absolute);
            return configured.GetLeftPart(UriPartial.Authority);
        }
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            var binding = BindingAddress.Parse(address);
            if (binding.IsUnixPipe || binding.IsNamedPipe) continue;
            var host = binding.Host is "*" or "+" or "0.0.0.0" or "[::]" or "::" ? Dns.GetHostName() : binding.Host;
            return new UriBuilder(binding.Scheme, host, binding.Port).Uri.GetLeftPart(UriPartial.Authority);
        }
        throw new InvalidOperationException(
            $"No TCP address is bound ({string.Join(", ", addresses)}): set {SocketIOOptions.Section}:{nameof(SocketIOOptions.AdvertisedUrl)}.");
    }
}
