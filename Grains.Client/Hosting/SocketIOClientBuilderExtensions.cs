using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansSocket;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Client-side setup for processes that hold only an Orleans client of the silos:
/// <c>builder.UseOrleansClient(client =&gt; client.AddSocketIOClient())</c> (a gateway of separate silos, an emitter).
/// </summary>
public static class SocketIOClientBuilderExtensions
{
    /// <summary>
    /// Connects this Orleans client to OrleansSocket's silos: the broadcast stream provider (partitioned as the silos'),
    /// <see cref="ISocketIO"/> to emit from anywhere, retries of the first connection, and, unless Orleans'
    /// <c>Orleans:Clustering</c> keys configure it, the clustering of the <c>Cluster</c> section (localhost by
    /// default). Handlers run in the silos: a process that also declares handlers fails at start.
    /// </summary>
    public static IClientBuilder AddSocketIOClient(this IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.UseSocketIOClustering();
        client.AddSocketIOStreams();
        client.Services.AddSocketIOEmitter();
        client.Services.AddSingleton<SocketIOClientMarker>();
        client.Services.AddOptions<SocketIOClientMarker>().ValidateOnStart();
        client.Services.AddSingleton<IValidateOptions<SocketIOClientMarker>, NoHandlersInClient>();
        return client;
    }

    /// <summary>
    /// The broadcast stream provider, partitioned exactly as the silos' (<c>SocketIO:Streams:Queues</c>):
    /// a client that hashed streams onto a different number of queues would publish to queues no silo pulls.
    /// </summary>
    internal static IClientBuilder AddSocketIOStreams(this IClientBuilder client)
    {
        client.Services.AddSocketIOStreamOptions();
        if (string.IsNullOrEmpty(client.Configuration[$"Orleans:Streaming:{GatewayStreams.Provider}:ProviderType"]))
            client.AddMemoryStreams(GatewayStreams.Provider, b => b.ConfigurePartitioning(client.Configuration.GetSocketIOStreamOptions().Queues));
        return client;
    }

    private sealed class NoHandlersInClient(IServiceProvider services) : IValidateOptions<SocketIOClientMarker>
    {
        public ValidateOptionsResult Validate(string? name, SocketIOClientMarker options) =>
            services.GetService<ISocketIOHandlerDeclarations>() is { IsEmpty: false }
                ? ValidateOptionsResult.Fail(
                    "Socket.IO handlers were declared (AddSocketIO().AddHandlers(...)) in a process that is only an Orleans client " +
                    "(UseOrleansClient(client => client.AddSocketIOClient())): handlers run where the grains run. Declare them in " +
                    "the silo host (silo.AddSocketIOGrains().AddHandlers(...)), or host the grains here: " +
                    "builder.UseOrleans(silo => silo.AddSocketIOGrains()).")
                : ValidateOptionsResult.Success;
    }
}
