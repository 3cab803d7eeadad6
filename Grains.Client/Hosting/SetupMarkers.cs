using Microsoft.Extensions.DependencyInjection;

namespace OrleansSocket;

/// <summary>Registered by <c>AddSocketIOClient</c>, so that the gateway can tell a forgotten call apart.</summary>
internal sealed class SocketIOClientMarker;

/// <summary>Registered by the gateway's <c>AddSocketIO</c>: a silo in the same process takes free ports by default.</summary>
internal sealed class SocketIOGatewayMarker;

/// <summary>
/// The handlers declared in this process (the silo side's handler builder, registered by the first
/// <c>AddHandlers</c>): what the Orleans client and the gateway check without depending on the silo side.
/// </summary>
internal interface ISocketIOHandlerDeclarations
{
    /// <summary>True when no handler, namespace or error handler was declared.</summary>
    bool IsEmpty { get; }
}

/// <summary>Registered by <c>AddAdminUI</c>: this process serves the Socket.IO Admin UI.</summary>
internal sealed class AdminUIMarker;

/// <summary>
/// Registered by <c>AddSocketIOGrains</c>: adds the Admin UI's part that runs where the grains run (the admin
/// namespace's sign-in, socket list and operations; the socket grains' activity) once <c>AddAdminUI</c> is called,
/// before or after it; a process without grains (a gateway of separate silos) never adds it.
/// </summary>
/// <param name="Add">Adds that part to the process's services (once).</param>
internal sealed record AdminUISiloServices(Action<IServiceCollection> Add);
