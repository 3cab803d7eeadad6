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
        foreach (var binding in TcpBindings(server))
        {
            var host = binding.Host is "*" or "+" or "0.0.0.0" or "[::]" or "::" ? Dns.GetHostName() : binding.Host;
            return new UriBuilder(binding.Scheme, host, binding.Port).Uri.GetLeftPart(UriPartial.Authority);
        }
        throw new InvalidOperationException(
            $"No TCP address is bound ({string.Join(", ", Addresses(server))}): set {SocketIOOptions.Section}:{nameof(SocketIOOptions.AdvertisedUrl)}.");
    }

    /// <summary>The TCP addresses Kestrel bound, in its order (Unix sockets and named pipes left out).</summary>
    public static IEnumerable<BindingAddress> TcpBindings(IServer server) =>
        Addresses(server).Select(BindingAddress.Parse).Where(b => !b.IsUnixPipe && !b.IsNamedPipe);

    private static ICollection<string> Addresses(IServer server) => server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
}
