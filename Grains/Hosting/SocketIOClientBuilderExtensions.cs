using Microsoft.Extensions.Configuration;

namespace OrleansSocket;

/// <summary>Client-side setup for processes that hold only an Orleans client (gateways, external emitters).</summary>
public static class SocketIOClientBuilderExtensions
{
    /// <summary>
    /// The broadcast stream provider, partitioned exactly as the silos' (<c>SocketIO:Streams:Queues</c>):
    /// a client that hashed streams onto a different number of queues would publish to queues no silo pulls.
    /// </summary>
    public static IClientBuilder AddSocketIOStreams(this IClientBuilder client)
    {
        var streams = client.Configuration.GetSection(SocketIOStreamOptions.Section).Get<SocketIOStreamOptions>() ?? new();
        client.AddMemoryStreams(GatewayStreams.Provider, b => b.ConfigurePartitioning(streams.Queues));
        return client;
    }
}
