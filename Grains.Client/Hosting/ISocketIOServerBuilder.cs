using Microsoft.Extensions.DependencyInjection;

namespace OrleansSocket;

/// <summary>
/// What <c>services.AddSocketIO()</c> (a gateway) and <c>silo.AddSocketIOGrains()</c> (a silo) return: the
/// application adds its handlers on it, e.g. <c>.AddHandlers&lt;ChatHandlers&gt;()</c> (SignalR's
/// <c>ISignalRServerBuilder</c>). Both register into the same service collection, so a handlers project can offer
/// one extension method on this interface that works in either shape.
/// </summary>
public interface ISocketIOServerBuilder
{
    /// <summary>The application's services, for what handlers inject.</summary>
    IServiceCollection Services { get; }
}
